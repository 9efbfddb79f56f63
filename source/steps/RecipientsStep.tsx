import {Text} from '../components/SafeText.js';
import type {Answers} from '../core/answers.js';
import {useTheme} from '../components/theme.js';
import {LimitStep} from './LimitStep.js';
import {parseRecipients, recipientOptions, RFC_MINIMUM_RECIPIENTS} from './choices.js';

type Props = {
	current: number;
	answers: Answers;
	onNext(answers: Answers): void;
};

function RecipientGuidance({value}: {value: number | undefined}) {
	const theme = useTheme();
	if (value === undefined || value === 0) {
		return <Text wrap="wrap">No limit: one message may list any number of recipients, which makes a spam run cheap.</Text>;
	}

	return (
		<>
			<Text wrap="wrap">
				{`Recipient ${value + 1} and later get "452 4.5.3 Too many recipients"; the client sends them in another transaction, so none is lost.`}
			</Text>
			<Text wrap="wrap" color={value < RFC_MINIMUM_RECIPIENTS ? theme.warn : undefined} dimColor={value >= RFC_MINIMUM_RECIPIENTS}>
				{value < RFC_MINIMUM_RECIPIENTS
					? `! Below RFC 5321's minimum of ${RFC_MINIMUM_RECIPIENTS}: mass mail to many people slows down, but no mail is lost.`
					: `RFC 5321 (4.5.3.1.8) asks servers to accept at least ${RFC_MINIMUM_RECIPIENTS} recipients per message.`}
			</Text>
		</>
	);
}

export function RecipientsStep({current, answers, onNext}: Props) {
	return (
		<LimitStep
			step="recipients"
			title="MaxRecipientsPerMessage: how many RCPT TO one message may have. A limit slows spam runs."
			label="Recipients per message"
			options={recipientOptions(current)}
			answer={answers.maxRecipientsPerMessage}
			current={current}
			parse={parseRecipients}
			toText={String}
			placeholder="25"
			detail={value => (value === undefined ? undefined : value === 0 ? '' : value < RFC_MINIMUM_RECIPIENTS ? 'below the RFC minimum' : '')}
			guidance={value => <RecipientGuidance value={value} />}
			onNext={value => onNext({maxRecipientsPerMessage: value})}
		/>
	);
}
