// The AUTH part of "Encryption and login": a page with the authRequireTls checkbox, then a page
// with the mechanisms to offer (settings/registry.ts). Enter on the first turns the page, on the
// second moves the wizard on with both answers; Esc on the second goes back a page.
import {useContext, useRef, useState} from 'react';
import {Box} from 'ink';
import type {Answers} from '../core/answers.js';
import {OptionList} from '../components/OptionList.js';
import {clipRows, Rows, textRows, type Row} from '../components/Rows.js';
import {HINTS, StepFrame, useFrameBody, useTitleShown} from '../components/StepFrame.js';
import {StepNavigationContext, useStepKeys, type StepNavigation} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';
import {SETTING} from '../settings/registry.js';
import {authAnswers, authWarnings, initialAuth, toggleMechanism, type CurrentAuth} from './auth-choices.js';
import {upDownKeys} from './list-keys.js';

type Props = {
	current: CurrentAuth;
	answers: Answers;
	/** Open on the last page: the step was reached by going back from a later one. */
	startAtEnd?: boolean;
	onNext(answers: Answers): void;
};

const REQUIRE_TLS = SETTING.authRequireTls;
const MECHANISMS = SETTING.authMechanisms;

export function AuthPages({current, answers, startAtEnd = false, onNext}: Props) {
	const parent = useContext(StepNavigationContext);
	const initial = initialAuth(answers, current);
	const [page, setPage] = useState(startAtEnd ? 1 : 0);
	// The page the keys so far lead to, known at once (as in CountPages).
	const expected = useRef(page);
	expected.current = page;
	const [requireTls, setRequireTls, requireTlsNow] = useSyncedState(initial.requireTls);
	const [mechanisms, setMechanisms, mechanismsNow] = useSyncedState(initial.mechanisms);
	const turn = (to: number) => {
		expected.current = to;
		setPage(to);
	};

	const navigation: StepNavigation = {
		...parent,
		back: () => (page === 0 ? parent.back() : turn(0)),
		moved: () => parent.moved?.() === true || expected.current !== page,
	};
	return (
		<StepNavigationContext.Provider value={navigation}>
			{page === 0
				? <RequireTlsPage key="tls" requireTls={requireTls} onToggle={() => setRequireTls(on => !on)} onNext={() => turn(1)} />
				: (
					<MechanismsPage
						key="mechanisms"
						requireTls={requireTls}
						mechanisms={mechanisms}
						onToggle={name => setMechanisms(list => toggleMechanism(list, name))}
						onNext={() => {
							if (mechanismsNow().length > 0) {
								onNext(authAnswers({requireTls: requireTlsNow(), mechanisms: mechanismsNow()}, current, answers));
							}
						}}
					/>
				)}
		</StepNavigationContext.Provider>
	);
}

const PAGE_HINTS = [HINTS.toggle, HINTS.next, HINTS.back, HINTS.quit];

function RequireTlsPage({requireTls, onToggle, onNext}: {requireTls: boolean; onToggle(): void; onNext(): void}) {
	const title = '(1/2) AuthOptions: offer logins only inside TLS.';
	const {width, rows} = useFrameBody(title, PAGE_HINTS);
	const titleShown = useTitleShown();
	// The checkbox, and the list's label where the title does not fit; the margin under them.
	const listRows = titleShown ? 1 : 2;
	useStepKeys({onSpace: onToggle, onEnter: onNext});
	const explanation: Row[] = [
		...textRows(REQUIRE_TLS.explain[1]!, width),
		{text: ''},
		...textRows(`May break: ${REQUIRE_TLS.recommendation.mayBreak}`, width, 'warn'),
	];
	return (
		<StepFrame step={REQUIRE_TLS.step} title={title} hints={PAGE_HINTS}>
			<OptionList kind="checkbox" label={titleShown ? '' : '(1/2) AuthOptions'} highlight={0} items={[{key: REQUIRE_TLS.key, label: REQUIRE_TLS.checkbox, checked: requireTls, recommended: true}]} />
			<Box marginTop={1} flexDirection="column">
				<Rows rows={clipRows(explanation, Math.max(rows - listRows - 1, 1))} />
			</Box>
		</StepFrame>
	);
}

function MechanismsPage({requireTls, mechanisms, onToggle, onNext}: {requireTls: boolean; mechanisms: readonly string[]; onToggle(name: string): void; onNext(): void}) {
	const title = '(2/2) AuthMechanisms: the logins sendmail may offer.';
	const hints = [HINTS.move, ...PAGE_HINTS];
	const {width, rows} = useFrameBody(title, hints);
	const names = MECHANISMS.names;
	// Without the title (a short terminal) the list's label says which page this is.
	const titleShown = useTitleShown();
	const [highlight, setHighlight, highlightNow] = useSyncedState(0);
	useStepKeys({
		...upDownKeys(setHighlight, names.length),
		onSpace: () => onToggle(names[highlightNow()]!),
		onEnter: onNext,
	});
	const below: Row[] = [
		...textRows(`O AuthMechanisms=${mechanisms.join(' ')}`, width),
		...authWarnings(requireTls, mechanisms).flatMap(warning => textRows(`! ${warning}`, width, 'warn')),
	];
	const items = names.map(name => ({
		key: name,
		label: name,
		checked: mechanisms.includes(name),
		recommended: (MECHANISMS.recommended as readonly string[]).includes(name),
		...(name === 'DIGEST-MD5' ? {note: 'historic (RFC 6331)'} : name === 'CRAM-MD5' ? {note: 'secrets as good as plain text'} : {}),
	}));
	return (
		<StepFrame step={MECHANISMS.step} title={title} hints={hints}>
			<OptionList kind="checkbox" label={titleShown ? '' : '(2/2) AuthMechanisms'} highlight={highlight} items={items} labelWidth={14} rows={Math.max(rows - below.length - 1, 3)} />
			<Box marginTop={1} flexDirection="column">
				<Rows rows={below} />
			</Box>
		</StepFrame>
	);
}
