/**
 * sendmail's table of options (readcf.c, OptionTab in 8.17): the long names, and the one-letter
 * names old configs use (`Op...` is PrivacyOptions, `OH...` is HelpFile). Long-only options
 * have a code above 0x7f that no one-letter line can name, so they have no letter here.
 * Entries built only with some compile flags (Sun's RemoteMode, the _FFR_ ones, DANE, TLS) are
 * listed too: they only decide whether a short prefix is ambiguous, and none of them shares
 * more than the first letters with an option this tool changes.
 */
const OPTION_TABLE: ReadonlyArray<readonly [name: string, letter?: string]> = [
	['RemoteMode', '>'], ['SevenBitInput', '7'], ['EightBitMode', '8'], ['AliasFile', 'A'], ['AliasWait', 'a'],
	['BlankSub', 'B'], ['MinFreeBlocks', 'b'], ['CheckpointInterval', 'C'], ['HoldExpensive', 'c'],
	['DeliveryMode', 'd'], ['ErrorHeader', 'E'], ['ErrorMode', 'e'], ['TempFileMode', 'F'], ['SaveFromLine', 'f'],
	['MatchGECOS', 'G'], ['', 'g'], ['HelpFile', 'H'], ['MaxHopCount', 'h'], ['ResolverOptions', 'I'],
	['IgnoreDots', 'i'], ['ForwardPath', 'J'], ['SendMimeErrors', 'j'], ['ConnectionCacheSize', 'k'],
	['ConnectionCacheTimeout', 'K'], ['UseErrorsTo', 'l'], ['LogLevel', 'L'], ['MeToo', 'm'], ['', 'M'],
	['CheckAliases', 'n'], ['OldStyleHeaders', 'o'], ['DaemonPortOptions', 'O'], ['PrivacyOptions', 'p'],
	['PostmasterCopy', 'P'], ['QueueFactor', 'q'], ['QueueDirectory', 'Q'], ['DontPruneRoutes', 'R'],
	['Timeout', 'r'], ['StatusFile', 'S'], ['SuperSafe', 's'], ['QueueTimeout', 'T'], ['TimeZoneSpec', 't'],
	['UserDatabaseSpec', 'U'], ['DefaultUser', 'u'], ['FallbackMXhost', 'V'], ['Verbose', 'v'],
	['TryNullMXList', 'w'], ['QueueLA', 'x'], ['RefuseLA', 'X'], ['RecipientFactor', 'y'], ['ForkEachJob', 'Y'],
	['ClassFactor', 'z'], ['RetryFactor', 'Z'],
	['QueueSortOrder'], ['HostsFile'], ['MinQueueAge'], ['DefaultCharSet'], ['ServiceSwitchFile'], ['DialDelay'],
	['NoRecipientAction'], ['SafeFileEnvironment'], ['MaxMessageSize'], ['ColonOkInAddr'], ['MaxQueueRunSize'],
	['MaxDaemonChildren'], ['DontExpandCnames'], ['MustQuoteChars'], ['SmtpGreetingMessage'], ['UnixFromLine'],
	['OperatorChars'], ['DontInitGroups'], ['SingleLineFromHeader'], ['AllowBogusHELO'],
	['ConnectionRateThrottle'], ['UnsafeGroupWrites'], ['DoubleBounceAddress'], ['HostStatusDirectory'],
	['SingleThreadDelivery'], ['RunAsUser'], ['RrtImpliesDsn'], ['PidFile'], ['DontBlameSendmail'],
	['DontProbeInterfaces'], ['MaxRecipientsPerMessage'], ['DeadLetterDrop'], ['DontLockFilesForRead'],
	['MaxAliasRecursion'], ['ConnectOnlyTo'], ['TrustedUser'], ['MaxMimeHeaderLength'], ['ControlSocketName'],
	['MaxHeadersLength'], ['MaxForwardEntries'], ['ProcessTitlePrefix'], ['DefaultAuthInfo'], ['AuthMechanisms'],
	['ClientPortOptions'], ['DataFileBufferSize'], ['XscriptFileBufferSize'], ['LDAPDefaultSpec'],
	['ServerCertFile'], ['ServerKeyFile'], ['ClientCertFile'], ['ClientKeyFile'], ['CACertFile'], ['CACertPath'],
	['DHParameters'], ['InputMailFilters'], ['Milter'], ['AuthOptions'], ['QueueFileMode'],
	['CertFingerprintAlgorithm'], ['CipherList'], ['RandFile'], ['TLSSrvOptions'], ['BadRcptThrottle'],
	['DeliverByMin'], ['MaxQueueChildren'], ['MaxRunnersPerQueue'], ['DirectSubmissionModifiers'],
	['NiceQueueRun'], ['SharedMemoryKey'], ['AuthMaxBits'], ['MailboxDatabase'], ['UseMSP'], ['DelayLA'],
	['FastSplit'], ['SoftBounce'], ['SharedMemoryKeyFile'], ['RejectLogInterval'], ['RequiresDirfsync'],
	['ConnectionRateWindowSize'], ['CRLFile'], ['FallbackSmartHost'], ['AuthRealm'], ['CRLPath'], ['HeloName'],
	['RefuseLowMem'], ['QueueLowMem'], ['MemoryResource'], ['MaxNOOPCommands'], ['MessageAccept'],
	['CheckQueueRunners'], ['EightBitAddrOK'], ['AddrTypeModes'], ['BadRcptShutdown'], ['BadRcptShutdownGood'],
	['ServerSSLOptions'], ['ClientSSLOptions'], ['MaxQueueAge'], ['BadRcptThrottleDelay'], ['InetQoS'],
	['FIPSMode'], ['RejectNUL'], ['BounceQueue'], ['AddBcc'], ['UseCompressedIPv6Addresses'], ['SSLEngine'],
	['SSLEnginePath'], ['TLSFallbacktoClear'], ['NameServer'], ['DANE'], ['NameSearchList'], ['Hacks'],
	['KeepBcc'], ['ClientCACertFile'], ['ClientCACertPath'], ['SetCertAltnames'], ['SmtpUTF8'],
	['StrictTransportSecurity'], ['CipherSuites'],
];

/** Every long name in sendmail's table, in its order. */
export const OPTION_NAMES: readonly string[] = OPTION_TABLE.map(([name]) => name).filter(name => name !== '');

// Each name lowered once: a config's seventy-odd O lines would otherwise lower the whole table each.
const LOWERED_TABLE: ReadonlyArray<readonly [lower: string, name: string]> = OPTION_NAMES.map(name => [name.toLowerCase(), name]);
// A full name (any case) is found at once: the table scan below returns it too, since no full
// name follows two longer names it is the start of (test/core/sendmail-options.test.ts checks each).
const BY_FULL_NAME: ReadonlyMap<string, string> = new Map(LOWERED_TABLE);

/** How sendmail names an option on an `O` line (or rejects it), as setoption() decides. */
export type OptionLookup =
	| {ok: true; option: string; form: 'name' | 'abbreviation' | 'letter'}
	| {ok: false; problem: string};

/** The long name sendmail knows for a one-letter option; undefined when there is no such letter. */
export function optionByLetter(letter: string): string | undefined {
	const entry = OPTION_TABLE.find(([, code]) => code === letter);
	// The letters g and M have no long name; sendmail still takes them.
	return entry === undefined ? undefined : entry[0] || `(option ${letter})`;
}

/**
 * A long option name as setoption() reads it: the part before a `.` (a sub-option, ignored by
 * options without them), matched without regard to case, a unique prefix accepted ("Option
 * Privacy used as abbreviation for PrivacyOptions"). Like sendmail, the first exact match wins,
 * and a second prefix match before it makes the name ambiguous.
 */
export function optionByName(written: string): OptionLookup {
	const name = written.split('.')[0]!;
	if (written === '') {
		return {ok: false, problem: 'null option name'};
	}

	const lower = name.toLowerCase();
	const full = BY_FULL_NAME.get(lower);
	if (full !== undefined) {
		return {ok: true, option: full, form: 'name'};
	}

	let selected: string | undefined;
	for (const [candidateLower, candidate] of LOWERED_TABLE) {
		if (!candidateLower.startsWith(lower)) {
			continue;
		}

		if (candidate.length === name.length) {
			return {ok: true, option: candidate, form: 'name'};
		}

		if (selected !== undefined) {
			return {ok: false, problem: `ambiguous option name ${name} (matches ${selected} and ${candidate})`};
		}

		selected = candidate;
	}

	return selected === undefined ? {ok: false, problem: `unknown option name ${name}`} : {ok: true, option: selected, form: 'abbreviation'};
}

/** Whether a name is an option in sendmail's table (exactly, any case). */
export function isKnownOption(name: string): boolean {
	const found = optionByName(name);
	return found.ok && found.form === 'name';
}

/** The one-letter name of a long option, when it has one (PrivacyOptions: p). */
export function letterOf(option: string): string | undefined {
	return OPTION_TABLE.find(([name]) => name.toLowerCase() === option.toLowerCase())?.[1];
}
