// The first question of "Floods and harvesting": does this host receive mail from other machines?
// Yes keeps (or makes) every daemon reachable ("all"); no sets every daemon to 127.0.0.1 ("local").
// A host that is its domain's MX is not offered "local" (system/mail-hub.ts), and says why.
// The list is the wizard's own OptionList, as every single choice is (readme, "Dependencies").
import {Box} from 'ink';
import type {Answers} from '../core/answers.js';
import type {Daemon, ListenChoice} from '../core/daemon-addresses.js';
import {describeDaemon} from '../core/daemon-addresses.js';
import {OptionList, type OptionItem} from '../components/OptionList.js';
import {clipRows, Rows, textRows, type Row} from '../components/Rows.js';
import {HINTS, StepFrame, useFrameBody} from '../components/StepFrame.js';
import {useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';
import type {MailHubFinding} from '../system/mail-hub.js';
import {SETTING} from '../settings/registry.js';
import {wrapIndex} from './list-keys.js';

const setting = SETTING.listen;

/** What the MX check has said so far; undefined: not asked (no check in this run). */
export type HubState = {kind: 'asking'} | MailHubFinding | undefined;

type Choice = 'keep' | ListenChoice;

/** The choices offered: "local" only where the host is not its domain's MX. */
export function listenChoices(hub: HubState): Choice[] {
	return hub?.kind === 'hub' ? ['keep', 'all'] : ['keep', 'all', 'local'];
}

/** What the MX check means for the question, in a line; undefined when there is nothing to say. */
export function hubNote(hub: HubState): Row | undefined {
	if (hub === undefined) {
		return undefined;
	}

	switch (hub.kind) {
		case 'asking': {
			return {text: 'Asking the resolver whether this host is its domain\'s MX…', tone: 'dim'};
		}

		case 'hub': {
			return {text: `"local" is not offered: this host is the mail exchanger of ${hub.domain} (its MX ${hub.exchange} is ${hub.address}, an address of this host), so it receives mail from other machines.`, tone: 'warn'};
		}

		case 'not-hub': {
			return {text: hub.exchanges.length === 0 ? `${hub.domain} has no MX record.` : `The MX of ${hub.domain} (${hub.exchanges.join(', ')}) is not this host.`, tone: 'dim'};
		}

		case 'unknown': {
			return {text: `Could not tell whether this host is its domain's MX (${hub.reason}): answer for it yourself.`, tone: 'warn'};
		}
	}
}

type Props = {
	/** The daemons the config has now, and what they amount to. */
	daemons: readonly Daemon[];
	current: ListenChoice;
	answers: Answers;
	hub: HubState;
	onNext(answers: Answers): void;
};

export function ListenStep({daemons, current, answers, hub, onNext}: Props) {
	const choices = listenChoices(hub);
	const answered = answers.listen ?? undefined;
	const initial = answered === undefined ? 0 : Math.max(choices.indexOf(answered), 0);
	const [highlight, setHighlight, highlightNow] = useSyncedState(initial);
	const [chosen, setChosen] = useSyncedState(initial);
	const count = choices.length;
	// The list loses its last row, "local", when the MX check answers "hub": a pointer or choice
	// that was there goes back to Keep.
	const row = (index: number) => (index < count ? index : 0);
	const at = (index: number) => choices[row(index)]!;
	useStepKeys({
		onUp: () => setHighlight(index => wrapIndex(row(index), -1, count)),
		onDown: () => setHighlight(index => wrapIndex(row(index), 1, count)),
		onSpace: () => setChosen(highlightNow()),
		onEnter() {
			const choice = at(highlightNow());
			setChosen(highlightNow());
			onNext({listen: choice === 'keep' ? undefined : choice});
		},
	});

	const hints = [HINTS.move, {keys: 'space', action: 'choose'}, HINTS.next, HINTS.back, HINTS.quit];
	const body = useFrameBody(setting.question, hints);
	const shown = at(highlight);
	const items: OptionItem[] = choices.map(choice => ({
		key: choice,
		label: choice === 'keep' ? `Keep as it is (${current})` : setting.answers[choice].label,
	}));
	const meaning: Row[] = shown === 'keep'
		? daemons.map(daemon => ({text: describeDaemon(daemon)}))
		: [{text: setting.answers[shown].costs}];
	const note = hubNote(hub);
	const refusedPreset = hub?.kind === 'hub' && answered === 'local' ? [{text: 'The answers asked for "local": it is left out here, as this host receives mail.', tone: 'warn' as const}] : [];
	const rows: Row[] = [
		...meaning,
		...(note === undefined ? [] : [note]),
		...refusedPreset,
		...(shown === 'keep' ? [] : [{text: 'Now:', tone: 'dim' as const}, ...daemons.map(daemon => ({text: `  ${describeDaemon(daemon)}`, tone: 'dim' as const}))]),
	].flatMap(row => textRows(row.text, body.width, row.tone));
	const listRows = count + 1;
	return (
		<StepFrame step={setting.step} title={setting.question} hints={hints}>
			<OptionList label="Receives mail from other machines" kind="radio" items={items} highlight={row(highlight)} selected={row(chosen)} />
			<Box marginTop={1} flexDirection="column">
				<Rows rows={clipRows(rows, Math.max(body.rows - listRows - 1, 1))} />
			</Box>
		</StepFrame>
	);
}
