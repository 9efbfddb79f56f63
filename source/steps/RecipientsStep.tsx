import type {Answers} from '../core/answers.js';
import type {Row} from '../components/Rows.js';
import {LimitStep} from './LimitStep.js';
import {parseRecipients, recipientOptions, RFC_MINIMUM_RECIPIENTS} from './choices.js';
import {SETTING} from '../settings/registry.js';

type Props = {
	current: number;
	answers: Answers;
	onNext(answers: Answers): void;
};

function recipientGuidance(value: number | undefined): Row[] {
	if (value === undefined || value === 0) {
		return [{text: 'No limit: one message may list any number of recipients, which makes a spam run cheap.'}];
	}

	return [
		{text: `Recipient ${value + 1} and later get "452 4.5.3 Too many recipients"; the client sends them in another transaction, so none is lost.`},
		value < RFC_MINIMUM_RECIPIENTS
			? {text: `! Below RFC 5321's minimum of ${RFC_MINIMUM_RECIPIENTS}: mass mail to many people slows down, but no mail is lost.`, tone: 'warn'}
			: {text: `RFC 5321 (4.5.3.1.8) asks servers to accept at least ${RFC_MINIMUM_RECIPIENTS} recipients per message.`, tone: 'dim'},
	];
}

export function RecipientsStep({current, answers, onNext}: Props) {
	return (
		<LimitStep
			step="recipients"
			title={`${SETTING.maxRecipientsPerMessage.option}: ${SETTING.maxRecipientsPerMessage.prompt}`}
			label={SETTING.maxRecipientsPerMessage.label}
			options={recipientOptions(current)}
			answer={answers.maxRecipientsPerMessage}
			current={current}
			parse={parseRecipients}
			toText={String}
			placeholder="25"
			detail={value => (value === undefined ? undefined : value === 0 ? '' : value < RFC_MINIMUM_RECIPIENTS ? 'below the RFC minimum' : '')}
			guidance={recipientGuidance}
			onNext={value => onNext({maxRecipientsPerMessage: value})}
		/>
	);
}
