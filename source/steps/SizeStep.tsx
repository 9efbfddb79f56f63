import {formatSize, messageSizeWarnings, parseSize, type Answers} from '../core/answers.js';
import {SETTING} from '../settings/registry.js';
import {LimitStep} from './LimitStep.js';
import {largestAttachment, roughSize, sizeOptions, sizeText} from './choices.js';

type Props = {
	current: number;
	answers: Answers;
	onNext(answers: Answers): void;
};

const attachmentNote = (value: number | undefined) =>
	value === undefined ? undefined : value === 0 ? 'any attachment' : `attachments up to about ${roughSize(largestAttachment(value))}`;

export function SizeStep({current, answers, onNext}: Props) {
	return (
		<LimitStep
			step="size"
			title={`${SETTING.maxMessageSize.option}: ${SETTING.maxMessageSize.prompt}`}
			label={SETTING.maxMessageSize.label}
			options={sizeOptions(current)}
			answer={answers.maxMessageSize}
			current={current}
			parse={parseSize}
			toText={sizeText}
			placeholder="20MB, 25 MiB, 500000"
			detail={attachmentNote}
			guidance={value => [
				{
					text: value === undefined || value === 0
						? 'No limit: any size is accepted, and EHLO advertises a bare "250-SIZE".'
						: `Messages over ${formatSize(value)} are refused ("552 5.2.3 Message size exceeds fixed maximum message size (${value})"); EHLO advertises "250-SIZE ${value}".`,
				},
				...messageSizeWarnings(value ?? 0).map(warning => ({text: `! ${warning}`, tone: 'warn' as const})),
				{text: 'Attachments are sent base64-encoded: a file of N bytes takes about 1.37 N, so a 10 MB attachment needs about 14 MB.', tone: 'dim'},
			]}
			onNext={value => onNext({maxMessageSize: value})}
		/>
	);
}
