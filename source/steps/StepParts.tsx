// One wizard step made of two parts shown one after the other (e.g. "Encryption and login": the
// STARTTLS pages, then the AUTH pages). Enter on the first part's last page opens the second; Esc
// on the second part's first page goes back to the first part's last page; Enter on the second
// part's last page moves the wizard on with both parts' answers.
import {Fragment, useContext, useRef, useState, type ReactNode} from 'react';
import type {Answers} from '../core/answers.js';
import {StepNavigationContext, type StepNavigation} from '../hooks/use-step-keys.js';

/** A part's pages, given the answers so far, where to go on, and whether to open on its last page. */
export type StepPart = (answers: Answers, onNext: (answers: Answers) => void, startAtEnd: boolean) => ReactNode;

type Props = {
	first: StepPart;
	second: StepPart;
	answers: Answers;
	/** Open on the second part's last page: the step was reached by going back from a later one. */
	startAtEnd?: boolean;
	onNext(answers: Answers): void;
};

export function StepParts({first, second, answers, startAtEnd = false, onNext}: Props) {
	const parent = useContext(StepNavigationContext);
	const [onFirst, setOnFirst] = useState(!startAtEnd);
	// Where each part opens: the first on its last page when the second went back to it, the second
	// on its last page only when the wizard came back into the step from a later one.
	const [ends, setEnds] = useState({first: false, second: startAtEnd});
	// The part the keys so far lead to, known at once: keys of one burst after the Enter that turns
	// the part wait for the next one (use-step-keys.ts), as between CountPages' pages.
	const expected = useRef(onFirst);
	expected.current = onFirst;
	const turn = (toFirst: boolean) => {
		expected.current = toFirst;
		setEnds({first: toFirst, second: false});
		setOnFirst(toFirst);
	};

	const chosen = useRef<Answers>({});
	const merged = {...answers, ...chosen.current} as Answers;
	const moved = () => parent.moved?.() === true || expected.current !== onFirst;
	const navigation: StepNavigation = onFirst ? {...parent, moved} : {...parent, back: () => turn(true), moved};
	return (
		<StepNavigationContext.Provider value={navigation}>
			{onFirst
				? <Fragment key="first">{first(merged, answer => {
					chosen.current = {...chosen.current, ...answer};
					turn(false);
				}, ends.first)}</Fragment>
				: <Fragment key="second">{second(merged, answer => onNext({...chosen.current, ...answer}), ends.second)}</Fragment>}
		</StepNavigationContext.Provider>
	);
}
