
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cargo-attest' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cargo-attest'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'cargo-attest' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--manifest-path', '--manifest-path', [CompletionResultType]::ParameterName, 'Path to Cargo.toml')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Package(s) whose outputs to attest (default: the workspace''s default members)')
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'Package(s) whose outputs to attest (default: the workspace''s default members)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Target triple the build was made for')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile the build used')
            [CompletionResult]::new('--target-dir', '--target-dir', [CompletionResultType]::ParameterName, 'Directory of build outputs (default: cargo''s target directory)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Features the build enabled (comma or space separated)')
            [CompletionResult]::new('--features', '--features', [CompletionResultType]::ParameterName, 'Features the build enabled (comma or space separated)')
            [CompletionResult]::new('--cargo-json', '--cargo-json', [CompletionResultType]::ParameterName, 'Read a `cargo build --message-format=json` stream from FILE (`-` for stdin) instead of looking in the target directory. A piped stdin is read automatically')
            [CompletionResult]::new('--subject-path', '--subject-path', [CompletionResultType]::ParameterName, 'Attest files matching GLOB instead of the build''s outputs (repeatable)')
            [CompletionResult]::new('--subject-checksums', '--subject-checksums', [CompletionResultType]::ParameterName, 'Attest the files listed in a shasum-format file (sha256 or sha512)')
            [CompletionResult]::new('--subject-name', '--subject-name', [CompletionResultType]::ParameterName, 'Name of a subject given by digest, such as a container image')
            [CompletionResult]::new('--subject-digest', '--subject-digest', [CompletionResultType]::ParameterName, 'Digest of the subject named by --subject-name (sha256:HEX)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Sign with this PEM private key (PKCS#8, plain or encrypted) instead of a keyring key. The passphrase comes from CARGO_ATTEST_KEY_PASSPHRASE or a prompt')
            [CompletionResult]::new('--key-name', '--key-name', [CompletionResultType]::ParameterName, 'Name of the keyring key to sign with. If no key of this name exists yet, a P-256 key is created in the keyring')
            [CompletionResult]::new('--sigstore', '--sigstore', [CompletionResultType]::ParameterName, 'The Sigstore instance to sign keyless on, its services from its signing config (refreshed through TUF). Default: CARGO_ATTEST_SIGSTORE; else in GitHub Actions public good for a public repository and GitHub''s instance for any other (as actions/attest); in GitLab CI public good for a public project, none otherwise; elsewhere public good. Public good logs the signer''s identity publicly')
            [CompletionResult]::new('--identity-token', '--identity-token', [CompletionResultType]::ParameterName, 'The OIDC identity token for keyless signing, or @FILE to read it from a file (implies --keyless). Default: SIGSTORE_ID_TOKEN, else GitHub Actions'' ID token (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN)')
            [CompletionResult]::new('--fulcio-url', '--fulcio-url', [CompletionResultType]::ParameterName, 'Fulcio to get the signing certificate from (default: the signing config''s, else the instance''s)')
            [CompletionResult]::new('--timestamp-server-url', '--timestamp-server-url', [CompletionResultType]::ParameterName, 'RFC 3161 timestamp authority to timestamp the signature with (default: the signing config''s, else the instance''s, if it has one). Keyless signing needs one unless it records in a Rekor v1 log; key-based signing uses one only when one is named here or in --signing-config')
            [CompletionResult]::new('--signing-config', '--signing-config', [CompletionResultType]::ParameterName, 'A Sigstore signing config (v0.2 JSON, as cosign v3 takes) naming the Fulcio, timestamp authority and Rekor logs to use, instead of the instance''s')
            [CompletionResult]::new('--rekor-url', '--rekor-url', [CompletionResultType]::ParameterName, 'Rekor log to record the signature in (default: the signing config''s logs of the newest API version it names; public good: its Rekor v1 log). Keyless signatures are recorded whenever a log is known; key-based ones with --tlog-upload')
            [CompletionResult]::new('--rekor-version', '--rekor-version', [CompletionResultType]::ParameterName, 'Rekor API version of the log: 1 (a `dsse` entry with a signed integration time, which stands in for a timestamp authority) or 2 (a `hashedrekord` entry). Default: the version the signing config gives the log (with --rekor-url: for that URL, else 2); without --rekor-url it picks the signing config''s logs of that version')
            [CompletionResult]::new('--public-good-tuf-url', '--public-good-tuf-url', [CompletionResultType]::ParameterName, 'The public-good instance''s TUF mirror (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback')
            [CompletionResult]::new('--public-good-tuf-root', '--public-good-tuf-root', [CompletionResultType]::ParameterName, 'An initial TUF root.json for the public-good mirror, obtained out of band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one)')
            [CompletionResult]::new('--github-tuf-url', '--github-tuf-url', [CompletionResultType]::ParameterName, 'GitHub''s instance''s TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL, else https://tuf-repo.github.com). Plain http only on loopback')
            [CompletionResult]::new('--github-tuf-root', '--github-tuf-root', [CompletionResultType]::ParameterName, 'An initial TUF root.json for GitHub''s mirror, obtained out of band (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the bundle: a file, or an existing directory (default: <target-dir>/attest/)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write the bundle: a file, or an existing directory (default: <target-dir>/attest/)')
            [CompletionResult]::new('--push', '--push', [CompletionResultType]::ParameterName, 'Push the attested files as one OCI artifact to REF, and the bundle attached to it. Repeatable: one signature, every REF pushed at once, each attached the way its registry supports. A REF without a registry host goes to the OCI layout target/oci/<name>')
            [CompletionResult]::new('--push-file', '--push-file', [CompletionResultType]::ParameterName, 'Push to every REF listed in FILE as well: one per line; blank lines and lines starting with `#` are skipped')
            [CompletionResult]::new('--sbom-size-limit', '--sbom-size-limit', [CompletionResultType]::ParameterName, 'Refuse, before anything is signed, an SBOM larger than SIZE: bytes, or a number with KiB, MiB or GiB [env: CARGO_ATTEST_SBOM_SIZE_LIMIT] [default: 16MiB, the limit of GitHub''s actions/attest]')
            [CompletionResult]::new('--oci-layout', '--oci-layout', [CompletionResultType]::ParameterName, 'Use this OCI image layout directory instead of a registry')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'How attestations are attached: decide on evidence (auto), the OCI 1.1 referrers API only, or the sha256-<hex> referrers tag fallback only')
            [CompletionResult]::new('--created', '--created', [CompletionResultType]::ParameterName, 'The `org.opencontainers.image.created` of what is pushed: `now`, or an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit''s time, else none, so the same commit pushes the same digests')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Progress bars on a terminal (auto), always, or plain lines only (never)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'The build used the release profile')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'The build used the release profile')
            [CompletionResult]::new('--all-features', '--all-features', [CompletionResultType]::ParameterName, 'The build enabled all features')
            [CompletionResult]::new('--no-default-features', '--no-default-features', [CompletionResultType]::ParameterName, 'The build disabled default features')
            [CompletionResult]::new('--keyless', '--keyless', [CompletionResultType]::ParameterName, 'Sign keyless: an OIDC identity token buys a short-lived Fulcio certificate for a key that lives only in memory, and a timestamp authority or a Rekor v1 log vouches for the time. Chosen by itself in CI when an identity token is available and no --key or --key-name is given')
            [CompletionResult]::new('--tlog-upload', '--tlog-upload', [CompletionResultType]::ParameterName, 'Record the signature in the Rekor log (key-based signing too)')
            [CompletionResult]::new('--no-tlog-upload', '--no-tlog-upload', [CompletionResultType]::ParameterName, 'Do not record the signature in a transparency log')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Do not refresh trust material through TUF: use the cached copy, else the one built in (with a warning saying which and how old). Also CARGO_ATTEST_OFFLINE=1')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 4) instead of warning when the provenance has gaps: no git checkout or commit, a dirty tree, outputs older than sources')
            [CompletionResult]::new('--sbom', '--sbom', [CompletionResultType]::ParameterName, 'Also attest a CycloneDX 1.6 SBOM of each build output: the packages compiled into it for this target, profile and features. Each is signed like the provenance and written beside its bundle as <bundle-name>.<output>.cdx.sigstore.json; with --push, attached to the artifact too')
            [CompletionResult]::new('--sbom-only', '--sbom-only', [CompletionResultType]::ParameterName, 'Attest only the SBOMs (as --sbom), without provenance')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP to registries that are not on a loopback address')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify registries'' TLS certificates')
            [CompletionResult]::new('--redetect', '--redetect', [CompletionResultType]::ParameterName, 'Forget the remembered attach verdict for the repository and detect again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify files against a bundle, or the attestations attached to an image')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Manage signing keys in the OS keyring')
            [CompletionResult]::new('package', 'package', [CompletionResultType]::ParameterValue, 'Attest the .crate `cargo package` made (target/package/NAME-VERSION.crate)')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Push files as one OCI artifact to a registry or an OCI layout')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach an existing Sigstore bundle to an image or artifact')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'List what is attached to an image or artifact')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Write the Sigstore bundles attached to an image to files, for offline use')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show what a bundle, or each attestation attached to an image, says (unverified)')
            [CompletionResult]::new('trusted-root', 'trusted-root', [CompletionResultType]::ParameterValue, 'Print a Sigstore instance''s current trusted root, refreshed through TUF (JSON lines)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove fallback tags, attestations and superseded indexes whose subject is gone')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move fallback-tag referrers to a registry''s referrers API, then drop the tags')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Fill in fallback-index entries other tools wrote without artifactType or annotations')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store registry credentials in the OS keyring (checked first)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove registry credentials from the OS keyring')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions or man pages (for packagers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cargo-attest;verify' {
            [CompletionResult]::new('--bundle', '--bundle', [CompletionResultType]::ParameterName, 'The Sigstore bundle to check the files against; or many: a JSON-lines file of bundles (as `gh attestation download` writes), or a directory of *.sigstore.json and *.jsonl files. With many, every file must be named by a bundle that verifies; bundles about other files or predicate types are skipped, and any bundle that names a file and fails fails the run. Without --bundle and --from, the bundle is looked for where `cargo attest` writes it (<target-dir>/attest/*.sigstore.json naming the files)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Check the files against the attestations attached to REF (registry or OCI layout), in one step')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key to check a key-signed bundle''s signature with: a public key PEM, or a private key file (its public half; an encrypted one takes its passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt). Repeat for several keys: any one suffices. Without it, the keyring key whose id equals the bundle''s key hint is used. Keyless bundles are checked with the identity flags instead')
            [CompletionResult]::new('--predicate-type', '--predicate-type', [CompletionResultType]::ParameterName, 'Require this predicate type')
            [CompletionResult]::new('--builder-id', '--builder-id', [CompletionResultType]::ParameterName, 'Require this builder id (runDetails.builder.id)')
            [CompletionResult]::new('--source-repo', '--source-repo', [CompletionResultType]::ParameterName, 'Require the build''s source to be this repository (URL; `git+` prefix, `.git` suffix and ref are ignored when comparing). For a keyless bundle, the certificate''s source repository must match too, when it names one')
            [CompletionResult]::new('--source-ref', '--source-ref', [CompletionResultType]::ParameterName, 'Require the build''s source ref, a full git ref such as refs/heads/main or refs/tags/v1.0 (the source URI''s `@ref`, or GitHub''s workflow ref). For a keyless bundle, the certificate''s source ref must be it too')
            [CompletionResult]::new('--source-digest', '--source-digest', [CompletionResultType]::ParameterName, 'Require the build''s source commit (hex, as `git rev-parse HEAD` prints it). For a keyless bundle, the certificate''s source digest must be it too')
            [CompletionResult]::new('--trusted-root', '--trusted-root', [CompletionResultType]::ParameterName, 'Sigstore trusted root (JSON) with the certificate and timestamp authorities to trust. Default: for a keyless bundle, the trusted root of the instance whose Fulcio issued its certificate (public good or GitHub''s), refreshed through TUF; for a key-signed one, public good''s built-in root')
            [CompletionResult]::new('--certificate-identity', '--certificate-identity', [CompletionResultType]::ParameterName, 'Require this certificate identity (the SAN: a workflow URI or an email)')
            [CompletionResult]::new('--certificate-identity-regexp', '--certificate-identity-regexp', [CompletionResultType]::ParameterName, 'Require a certificate identity matching this regular expression, which must be anchored, `^...$` (e.g. `^https://github\.com/acme/tool/\.github/workflows/release\.yml@refs/tags/.*$`): an unanchored one matches anywhere, so `acme` passes `evilacme`. Unanchored patterns are refused unless --allow-unanchored')
            [CompletionResult]::new('--certificate-oidc-issuer', '--certificate-oidc-issuer', [CompletionResultType]::ParameterName, 'Require this OIDC issuer (default with --owner, --repo or --signer-workflow: https://token.actions.githubusercontent.com, or https://HOST for a GitLab host such as gitlab.com)')
            [CompletionResult]::new('--certificate-oidc-issuer-regexp', '--certificate-oidc-issuer-regexp', [CompletionResultType]::ParameterName, 'Require an OIDC issuer matching this regular expression, which must be anchored, `^...$`; unanchored patterns are refused unless --allow-unanchored')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Require the source repository''s owner: [HOST/]OWNER, a GitHub organization or user (host github.com by default), or a GitLab group such as gitlab.com/group (its subgroups'' projects included). The certificate''s identity must be on HOST too')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Require the source repository: [HOST/]OWNER/REPO on GitHub (host github.com by default), HOST/GROUP[/SUBGROUP...]/PROJECT on GitLab (gitlab.com or a host whose first label is `gitlab`). The certificate''s identity must be on HOST too')
            [CompletionResult]::new('--signer-workflow', '--signer-workflow', [CompletionResultType]::ParameterName, 'Require the workflow that signed, at any ref: [HOST/]OWNER/REPO/PATH on GitHub (e.g. acme/tool/.github/workflows/release.yml), or HOST/GROUP/PROJECT//CI_CONFIG_PATH on GitLab, as the certificate names it (e.g. gitlab.com/group/project//.gitlab-ci.yml)')
            [CompletionResult]::new('--tlog-threshold', '--tlog-threshold', [CompletionResultType]::ParameterName, 'Require at least N verified transparency log entries (default: 1 for keyless bundles when the trusted root lists a log, else 0). Entries a bundle carries are always verified against the trusted root''s logs')
            [CompletionResult]::new('--public-good-tuf-url', '--public-good-tuf-url', [CompletionResultType]::ParameterName, 'The public-good instance''s TUF mirror (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback')
            [CompletionResult]::new('--public-good-tuf-root', '--public-good-tuf-root', [CompletionResultType]::ParameterName, 'An initial TUF root.json for the public-good mirror, obtained out of band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one)')
            [CompletionResult]::new('--github-tuf-url', '--github-tuf-url', [CompletionResultType]::ParameterName, 'GitHub''s instance''s TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL, else https://tuf-repo.github.com). Plain http only on loopback')
            [CompletionResult]::new('--github-tuf-root', '--github-tuf-root', [CompletionResultType]::ParameterName, 'An initial TUF root.json for GitHub''s mirror, obtained out of band (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one)')
            [CompletionResult]::new('--oci-layout', '--oci-layout', [CompletionResultType]::ParameterName, 'Use this OCI image layout directory instead of a registry')
            [CompletionResult]::new('--crate', '--crate', [CompletionResultType]::ParameterName, 'Verify a published crate instead of files: NAME@VERSION''s .crate, from cargo''s download cache or else downloaded from its registry, must match the checksum of the registry''s sparse index (else exit 10), then the attestation of --bundle or --from REF')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'The registry of --crate, as cargo''s configuration names it ([registries.NAME] or CARGO_REGISTRIES_NAME_INDEX; default: crates.io)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--allow-unanchored', '--allow-unanchored', [CompletionResultType]::ParameterName, 'Accept --certificate-identity-regexp and --certificate-oidc-issuer-regexp patterns that are not anchored with `^...$`, which then match anywhere in the value (unsafe: a branch name or another owner''s name can contain the text)')
            [CompletionResult]::new('--deny-self-hosted-runners', '--deny-self-hosted-runners', [CompletionResultType]::ParameterName, 'Refuse signatures made on self-hosted runners')
            [CompletionResult]::new('--insecure-ignore-tlog', '--insecure-ignore-tlog', [CompletionResultType]::ParameterName, 'Neither require nor check transparency log entries (for private Sigstore instances without a log)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Do not refresh trust material through TUF: use the cached copy, else the one built in (with a warning saying which and how old). Also CARGO_ATTEST_OFFLINE=1')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP to registries that are not on a loopback address')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify registries'' TLS certificates')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;key' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Create a new signing key in the keyring (or a PEM file with --output)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Store a PEM private key (PKCS#8, plain or encrypted) in the keyring')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print a key as PEM: the public key, or with --private the private key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the signing keys in the keyring')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a signing key from the keyring (asks first; --yes off a terminal)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cargo-attest;key;generate' {
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'Signature algorithm')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the private key to this PEM file instead of the keyring, and its public key beside it (FILE with the extension .pub). The private key is encrypted with the passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt, unless --unencrypted')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--unencrypted', '--unencrypted', [CompletionResultType]::ParameterName, 'With --output: write the private key unencrypted')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing key of the same name')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cargo-attest;key;import' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing key of the same name')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;key;export' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Export the public key of this key file instead of a keyring key''s: a private key (plain, or encrypted with the passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt) or a public key')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--private', '--private', [CompletionResultType]::ParameterName, 'Export the private key (PKCS#8 PEM, encrypted with the passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt, unless --unencrypted)')
            [CompletionResult]::new('--unencrypted', '--unencrypted', [CompletionResultType]::ParameterName, 'With --private: write the private key unencrypted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;key;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;key;delete' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Delete without asking (required when there is no terminal to ask on)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;key;help' {
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Create a new signing key in the keyring (or a PEM file with --output)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Store a PEM private key (PKCS#8, plain or encrypted) in the keyring')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print a key as PEM: the public key, or with --private the private key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the signing keys in the keyring')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a signing key from the keyring (asks first; --yes off a terminal)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cargo-attest;key;help;generate' {
            break
        }
        'cargo-attest;key;help;import' {
            break
        }
        'cargo-attest;key;help;export' {
            break
        }
        'cargo-attest;key;help;list' {
            break
        }
        'cargo-attest;key;help;delete' {
            break
        }
        'cargo-attest;key;help;help' {
            break
        }
        'cargo-attest;package' {
            [CompletionResult]::new('--manifest-path', '--manifest-path', [CompletionResultType]::ParameterName, 'Path to Cargo.toml')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The package whose .crate to attest (default: the workspace''s one default member)')
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'The package whose .crate to attest (default: the workspace''s one default member)')
            [CompletionResult]::new('--target-dir', '--target-dir', [CompletionResultType]::ParameterName, 'Directory cargo package wrote to (default: cargo''s target directory; the .crate is in its package/)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Sign with this PEM private key (PKCS#8, plain or encrypted) instead of a keyring key. The passphrase comes from CARGO_ATTEST_KEY_PASSPHRASE or a prompt')
            [CompletionResult]::new('--key-name', '--key-name', [CompletionResultType]::ParameterName, 'Name of the keyring key to sign with. If no key of this name exists yet, a P-256 key is created in the keyring')
            [CompletionResult]::new('--sigstore', '--sigstore', [CompletionResultType]::ParameterName, 'The Sigstore instance to sign keyless on, its services from its signing config (refreshed through TUF). Default: CARGO_ATTEST_SIGSTORE; else in GitHub Actions public good for a public repository and GitHub''s instance for any other (as actions/attest); in GitLab CI public good for a public project, none otherwise; elsewhere public good. Public good logs the signer''s identity publicly')
            [CompletionResult]::new('--identity-token', '--identity-token', [CompletionResultType]::ParameterName, 'The OIDC identity token for keyless signing, or @FILE to read it from a file (implies --keyless). Default: SIGSTORE_ID_TOKEN, else GitHub Actions'' ID token (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN)')
            [CompletionResult]::new('--fulcio-url', '--fulcio-url', [CompletionResultType]::ParameterName, 'Fulcio to get the signing certificate from (default: the signing config''s, else the instance''s)')
            [CompletionResult]::new('--timestamp-server-url', '--timestamp-server-url', [CompletionResultType]::ParameterName, 'RFC 3161 timestamp authority to timestamp the signature with (default: the signing config''s, else the instance''s, if it has one). Keyless signing needs one unless it records in a Rekor v1 log; key-based signing uses one only when one is named here or in --signing-config')
            [CompletionResult]::new('--signing-config', '--signing-config', [CompletionResultType]::ParameterName, 'A Sigstore signing config (v0.2 JSON, as cosign v3 takes) naming the Fulcio, timestamp authority and Rekor logs to use, instead of the instance''s')
            [CompletionResult]::new('--rekor-url', '--rekor-url', [CompletionResultType]::ParameterName, 'Rekor log to record the signature in (default: the signing config''s logs of the newest API version it names; public good: its Rekor v1 log). Keyless signatures are recorded whenever a log is known; key-based ones with --tlog-upload')
            [CompletionResult]::new('--rekor-version', '--rekor-version', [CompletionResultType]::ParameterName, 'Rekor API version of the log: 1 (a `dsse` entry with a signed integration time, which stands in for a timestamp authority) or 2 (a `hashedrekord` entry). Default: the version the signing config gives the log (with --rekor-url: for that URL, else 2); without --rekor-url it picks the signing config''s logs of that version')
            [CompletionResult]::new('--public-good-tuf-url', '--public-good-tuf-url', [CompletionResultType]::ParameterName, 'The public-good instance''s TUF mirror (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback')
            [CompletionResult]::new('--public-good-tuf-root', '--public-good-tuf-root', [CompletionResultType]::ParameterName, 'An initial TUF root.json for the public-good mirror, obtained out of band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one)')
            [CompletionResult]::new('--github-tuf-url', '--github-tuf-url', [CompletionResultType]::ParameterName, 'GitHub''s instance''s TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL, else https://tuf-repo.github.com). Plain http only on loopback')
            [CompletionResult]::new('--github-tuf-root', '--github-tuf-root', [CompletionResultType]::ParameterName, 'An initial TUF root.json for GitHub''s mirror, obtained out of band (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the bundle: a file, or an existing directory (default: beside the .crate, NAME-VERSION.crate.sigstore.json)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write the bundle: a file, or an existing directory (default: beside the .crate, NAME-VERSION.crate.sigstore.json)')
            [CompletionResult]::new('--push', '--push', [CompletionResultType]::ParameterName, 'Push the .crate as one OCI artifact to REF, and the bundle attached to it')
            [CompletionResult]::new('--oci-layout', '--oci-layout', [CompletionResultType]::ParameterName, 'Use this OCI image layout directory instead of a registry')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'How attestations are attached: decide on evidence (auto), the OCI 1.1 referrers API only, or the sha256-<hex> referrers tag fallback only')
            [CompletionResult]::new('--created', '--created', [CompletionResultType]::ParameterName, 'The `org.opencontainers.image.created` of what is pushed: `now`, or an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit''s time, else none, so the same commit pushes the same digests')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Progress bars on a terminal (auto), always, or plain lines only (never)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--keyless', '--keyless', [CompletionResultType]::ParameterName, 'Sign keyless: an OIDC identity token buys a short-lived Fulcio certificate for a key that lives only in memory, and a timestamp authority or a Rekor v1 log vouches for the time. Chosen by itself in CI when an identity token is available and no --key or --key-name is given')
            [CompletionResult]::new('--tlog-upload', '--tlog-upload', [CompletionResultType]::ParameterName, 'Record the signature in the Rekor log (key-based signing too)')
            [CompletionResult]::new('--no-tlog-upload', '--no-tlog-upload', [CompletionResultType]::ParameterName, 'Do not record the signature in a transparency log')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Do not refresh trust material through TUF: use the cached copy, else the one built in (with a warning saying which and how old). Also CARGO_ATTEST_OFFLINE=1')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP to registries that are not on a loopback address')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify registries'' TLS certificates')
            [CompletionResult]::new('--redetect', '--redetect', [CompletionResultType]::ParameterName, 'Forget the remembered attach verdict for the repository and detect again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cargo-attest;push' {
            [CompletionResult]::new('--artifact-type', '--artifact-type', [CompletionResultType]::ParameterName, 'The artifact''s artifactType')
            [CompletionResult]::new('--bundle', '--bundle', [CompletionResultType]::ParameterName, 'Attach this Sigstore bundle to the pushed artifact')
            [CompletionResult]::new('--oci-layout', '--oci-layout', [CompletionResultType]::ParameterName, 'Use this OCI image layout directory instead of a registry')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'How attestations are attached: decide on evidence (auto), the OCI 1.1 referrers API only, or the sha256-<hex> referrers tag fallback only')
            [CompletionResult]::new('--created', '--created', [CompletionResultType]::ParameterName, 'The `org.opencontainers.image.created` of what is pushed: `now`, or an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit''s time, else none, so the same commit pushes the same digests')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Progress bars on a terminal (auto), always, or plain lines only (never)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP to registries that are not on a loopback address')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify registries'' TLS certificates')
            [CompletionResult]::new('--redetect', '--redetect', [CompletionResultType]::ParameterName, 'Forget the remembered attach verdict for the repository and detect again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;attach' {
            [CompletionResult]::new('--subjects', '--subjects', [CompletionResultType]::ParameterName, 'Attach the bundle to every image FILE lists instead of REF: one `NAME@sha256:<hex>` per line, or GoReleaser''s digests.txt lines (`sha256:<hex>  REGISTRY/REPOSITORY[:TAG]`: the digest names the manifest, the tag is ignored). Every subject is tried; one report; the exit code is the first failure''s')
            [CompletionResult]::new('--bundle', '--bundle', [CompletionResultType]::ParameterName, 'The Sigstore bundle (*.sigstore.json) to attach')
            [CompletionResult]::new('--oci-layout', '--oci-layout', [CompletionResultType]::ParameterName, 'Use this OCI image layout directory instead of a registry')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'How attestations are attached: decide on evidence (auto), the OCI 1.1 referrers API only, or the sha256-<hex> referrers tag fallback only')
            [CompletionResult]::new('--created', '--created', [CompletionResultType]::ParameterName, 'The `org.opencontainers.image.created` of what is pushed: `now`, or an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit''s time, else none, so the same commit pushes the same digests')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Attach the bundle even if its statement does not name the image(s)')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP to registries that are not on a loopback address')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify registries'' TLS certificates')
            [CompletionResult]::new('--redetect', '--redetect', [CompletionResultType]::ParameterName, 'Forget the remembered attach verdict for the repository and detect again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;discover' {
            [CompletionResult]::new('--artifact-type', '--artifact-type', [CompletionResultType]::ParameterName, 'Only list referrers of this artifactType')
            [CompletionResult]::new('--oci-layout', '--oci-layout', [CompletionResultType]::ParameterName, 'Use this OCI image layout directory instead of a registry')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP to registries that are not on a loopback address')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify registries'' TLS certificates')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;download' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Directory to write the bundles to (created if missing)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Directory to write the bundles to (created if missing)')
            [CompletionResult]::new('--bundle-format', '--bundle-format', [CompletionResultType]::ParameterName, 'How to write them: one sha256-<hex>.sigstore.json per bundle (named after the bundle blob), or `jsonl`: one file of JSON lines, one bundle per line, named after the subject as `gh attestation download` names it (sha256:<hex>.jsonl; sha256-<hex>.jsonl on Windows)')
            [CompletionResult]::new('--oci-layout', '--oci-layout', [CompletionResultType]::ParameterName, 'Use this OCI image layout directory instead of a registry')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP to registries that are not on a loopback address')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify registries'' TLS certificates')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;inspect' {
            [CompletionResult]::new('--oci-layout', '--oci-layout', [CompletionResultType]::ParameterName, 'Use this OCI image layout directory instead of a registry')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP to registries that are not on a loopback address')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify registries'' TLS certificates')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;trusted-root' {
            [CompletionResult]::new('--sigstore', '--sigstore', [CompletionResultType]::ParameterName, 'Print only this instance''s trusted root (default: public good''s, then GitHub''s, one per line)')
            [CompletionResult]::new('--public-good-tuf-url', '--public-good-tuf-url', [CompletionResultType]::ParameterName, 'The public-good instance''s TUF mirror (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback')
            [CompletionResult]::new('--public-good-tuf-root', '--public-good-tuf-root', [CompletionResultType]::ParameterName, 'An initial TUF root.json for the public-good mirror, obtained out of band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one)')
            [CompletionResult]::new('--github-tuf-url', '--github-tuf-url', [CompletionResultType]::ParameterName, 'GitHub''s instance''s TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL, else https://tuf-repo.github.com). Plain http only on loopback')
            [CompletionResult]::new('--github-tuf-root', '--github-tuf-root', [CompletionResultType]::ParameterName, 'An initial TUF root.json for GitHub''s mirror, obtained out of band (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Do not refresh trust material through TUF: use the cached copy, else the one built in (with a warning saying which and how old). Also CARGO_ATTEST_OFFLINE=1')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cargo-attest;prune' {
            [CompletionResult]::new('--oci-layout', '--oci-layout', [CompletionResultType]::ParameterName, 'Use this OCI image layout directory instead of a registry')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Act: without it, only print what would be done')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP to registries that are not on a loopback address')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify registries'' TLS certificates')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;migrate' {
            [CompletionResult]::new('--oci-layout', '--oci-layout', [CompletionResultType]::ParameterName, 'Use this OCI image layout directory instead of a registry')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Act: without it, only print what would be done')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP to registries that are not on a loopback address')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify registries'' TLS certificates')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;repair' {
            [CompletionResult]::new('--oci-layout', '--oci-layout', [CompletionResultType]::ParameterName, 'Use this OCI image layout directory instead of a registry')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Write the repaired indexes: without it, only print what would be done')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP to registries that are not on a loopback address')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify registries'' TLS certificates')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;login' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name (prompted for on a terminal when missing)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'User name (prompted for on a terminal when missing)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password or token from stdin')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP to registries that are not on a loopback address')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify registries'' TLS certificates')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;logout' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;generate' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Write completion scripts for bash, zsh, fish, powershell and elvish')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages for the command and each subcommand')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cargo-attest;generate;completions' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;generate;man' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: short human text, or JSON on stdout for scripts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about each step (repeat for more). Secrets are never printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cargo-attest;generate;help' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Write completion scripts for bash, zsh, fish, powershell and elvish')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages for the command and each subcommand')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cargo-attest;generate;help;completions' {
            break
        }
        'cargo-attest;generate;help;man' {
            break
        }
        'cargo-attest;generate;help;help' {
            break
        }
        'cargo-attest;help' {
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify files against a bundle, or the attestations attached to an image')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Manage signing keys in the OS keyring')
            [CompletionResult]::new('package', 'package', [CompletionResultType]::ParameterValue, 'Attest the .crate `cargo package` made (target/package/NAME-VERSION.crate)')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Push files as one OCI artifact to a registry or an OCI layout')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach an existing Sigstore bundle to an image or artifact')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'List what is attached to an image or artifact')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Write the Sigstore bundles attached to an image to files, for offline use')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show what a bundle, or each attestation attached to an image, says (unverified)')
            [CompletionResult]::new('trusted-root', 'trusted-root', [CompletionResultType]::ParameterValue, 'Print a Sigstore instance''s current trusted root, refreshed through TUF (JSON lines)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove fallback tags, attestations and superseded indexes whose subject is gone')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move fallback-tag referrers to a registry''s referrers API, then drop the tags')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Fill in fallback-index entries other tools wrote without artifactType or annotations')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store registry credentials in the OS keyring (checked first)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove registry credentials from the OS keyring')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions or man pages (for packagers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cargo-attest;help;verify' {
            break
        }
        'cargo-attest;help;key' {
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Create a new signing key in the keyring (or a PEM file with --output)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Store a PEM private key (PKCS#8, plain or encrypted) in the keyring')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print a key as PEM: the public key, or with --private the private key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the signing keys in the keyring')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a signing key from the keyring (asks first; --yes off a terminal)')
            break
        }
        'cargo-attest;help;key;generate' {
            break
        }
        'cargo-attest;help;key;import' {
            break
        }
        'cargo-attest;help;key;export' {
            break
        }
        'cargo-attest;help;key;list' {
            break
        }
        'cargo-attest;help;key;delete' {
            break
        }
        'cargo-attest;help;package' {
            break
        }
        'cargo-attest;help;push' {
            break
        }
        'cargo-attest;help;attach' {
            break
        }
        'cargo-attest;help;discover' {
            break
        }
        'cargo-attest;help;download' {
            break
        }
        'cargo-attest;help;inspect' {
            break
        }
        'cargo-attest;help;trusted-root' {
            break
        }
        'cargo-attest;help;prune' {
            break
        }
        'cargo-attest;help;migrate' {
            break
        }
        'cargo-attest;help;repair' {
            break
        }
        'cargo-attest;help;login' {
            break
        }
        'cargo-attest;help;logout' {
            break
        }
        'cargo-attest;help;generate' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Write completion scripts for bash, zsh, fish, powershell and elvish')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages for the command and each subcommand')
            break
        }
        'cargo-attest;help;generate;completions' {
            break
        }
        'cargo-attest;help;generate;man' {
            break
        }
        'cargo-attest;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
