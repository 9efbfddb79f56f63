// "Floods and harvesting": first whether the host receives mail from other machines (ListenStep),
// then one page per whole-number limit (CountPages). Esc on the first limit goes back to the
// question; Enter on the last limit moves the wizard on with both answers.
import {useContext, useRef, useState, type ReactNode} from 'react';
import type {Answers} from '../core/answers.js';
import {StepNavigationContext, type StepNavigation} from '../hooks/use-step-keys.js';
import {ListenStep} from './ListenStep.js';

type Props = {
	/** The question's screen props, without its answers and onNext. */
	listen: Omit<Parameters<typeof ListenStep>[0], 'answers' | 'onNext'>;
	answers: Answers;
	/** Open on the last page: the step was reached by going back from a later one. */
	startAtEnd?: boolean;
	/** The limits' pages with the answers so far; null when the step has none. */
	counts: ((answers: Answers, onNext: (answers: Answers) => void) => ReactNode) | null;
	onNext(answers: Answers): void;
};

export function FloodsStep({listen, answers, startAtEnd = false, counts, onNext}: Props) {
	const parent = useContext(StepNavigationContext);
	const [onQuestion, setOnQuestion] = useState(!startAtEnd || counts === null);
	// The page the keys so far lead to, known at once: keys of one burst after the Enter that turns
	// the page wait for the next page (use-step-keys.ts), as CountPages does between its pages.
	const expected = useRef(onQuestion);
	expected.current = onQuestion;
	const turn = (toQuestion: boolean) => {
		expected.current = toQuestion;
		setOnQuestion(toQuestion);
	};

	const chosen = useRef<Answers>({});
	const merged = {...answers, ...chosen.current} as Answers;
	if (onQuestion || counts === null) {
		const navigation: StepNavigation = {...parent, moved: () => parent.moved?.() === true || expected.current !== onQuestion};
		return (
			<StepNavigationContext.Provider value={navigation}>
				<ListenStep
					{...listen}
					answers={'listen' in chosen.current ? merged : answers}
					onNext={answer => {
						chosen.current = {...chosen.current, ...answer};
						if (counts === null) {
							onNext(chosen.current);
						} else {
							turn(false);
						}
					}}
				/>
			</StepNavigationContext.Provider>
		);
	}

	const navigation: StepNavigation = {...parent, back: () => turn(true), moved: () => parent.moved?.() === true || expected.current !== onQuestion};
	return (
		<StepNavigationContext.Provider value={navigation}>
			{counts(merged, answer => onNext({...chosen.current, ...answer}))}
		</StepNavigationContext.Provider>
	);
}
