// "Floods and harvesting": first whether the host receives mail from other machines (ListenStep),
// then one page per whole-number limit (CountPages), as the two parts of one step (StepParts): Esc
// on the first limit goes back to the question; Enter on the last limit moves the wizard on with
// both answers.
import type {Answers} from '../core/answers.js';
import {ListenStep} from './ListenStep.js';
import {StepParts, type StepPart} from './StepParts.js';

type Props = {
	/** The question's screen props, without its answers and onNext. */
	listen: Omit<Parameters<typeof ListenStep>[0], 'answers' | 'onNext'>;
	answers: Answers;
	/** Open on the last page: the step was reached by going back from a later one. */
	startAtEnd?: boolean;
	/** The limits' pages; null when the step has none. */
	counts: StepPart | null;
	onNext(answers: Answers): void;
};

export function FloodsStep({listen, answers, startAtEnd = false, counts, onNext}: Props) {
	const question: StepPart = (given, next) => <ListenStep {...listen} answers={given} onNext={next} />;
	return counts === null
		? question(answers, onNext, startAtEnd)
		: <StepParts first={question} second={counts} answers={answers} startAtEnd={startAtEnd} onNext={onNext} />;
}
