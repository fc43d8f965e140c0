# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_cargo_attest_global_optspecs
    string join \n format= q/quiet v/verbose timeout= manifest-path= p/package= target= profile= r/release target-dir= F/features= all-features no-default-features cargo-json= subject-path= subject-checksums= subject-name= subject-digest= key= key-name= keyless sigstore= identity-token= fulcio-url= timestamp-server-url= signing-config= rekor-url= rekor-version= tlog-upload no-tlog-upload offline public-good-tuf-url= public-good-tuf-root= github-tuf-url= github-tuf-root= o/output= strict push= push-file= sbom sbom-only sbom-size-limit= oci-layout= plain-http insecure attach= redetect created= progress= h/help V/version
end

function __fish_cargo_attest_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_cargo_attest_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_cargo_attest_using_subcommand
    set -l cmd (__fish_cargo_attest_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l manifest-path -d 'Path to Cargo.toml' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -s p -l package -d 'Package(s) whose outputs to attest (default: the workspace\'s default members)' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l target -d 'Target triple the build was made for' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l profile -d 'Profile the build used' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l target-dir -d 'Directory of build outputs (default: cargo\'s target directory)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -s F -l features -d 'Features the build enabled (comma or space separated)' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l cargo-json -d 'Read a `cargo build --message-format=json` stream from FILE (`-` for stdin) instead of looking in the target directory. A piped stdin is read automatically' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l subject-path -d 'Attest files matching GLOB instead of the build\'s outputs (repeatable)' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l subject-checksums -d 'Attest the files listed in a shasum-format file (sha256 or sha512)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l subject-name -d 'Name of a subject given by digest, such as a container image' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l subject-digest -d 'Digest of the subject named by --subject-name (sha256:HEX)' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l key -d 'Sign with this PEM private key (PKCS#8, plain or encrypted) instead of a keyring key. The passphrase comes from CARGO_ATTEST_KEY_PASSPHRASE or a prompt' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l key-name -d 'Name of the keyring key to sign with. If no key of this name exists yet, a P-256 key is created in the keyring' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l sigstore -d 'The Sigstore instance to sign keyless on, its services from its signing config (refreshed through TUF). Default: CARGO_ATTEST_SIGSTORE; else in GitHub Actions public good for a public repository and GitHub\'s instance for any other (as actions/attest); in GitLab CI public good for a public project, none otherwise; elsewhere public good. Public good logs the signer\'s identity publicly' -r -f -a "public-good\t'Sigstore\'s public-good instance (sigstore.dev): public CT log and Rekor transparency log'
github\t'GitHub\'s instance (githubapp.com): Fulcio and a timestamp authority, no public log'"
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l identity-token -d 'The OIDC identity token for keyless signing, or @FILE to read it from a file (implies --keyless). Default: SIGSTORE_ID_TOKEN, else GitHub Actions\' ID token (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN)' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l fulcio-url -d 'Fulcio to get the signing certificate from (default: the signing config\'s, else the instance\'s)' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l timestamp-server-url -d 'RFC 3161 timestamp authority to timestamp the signature with (default: the signing config\'s, else the instance\'s, if it has one). Keyless signing needs one unless it records in a Rekor v1 log; key-based signing uses one only when one is named here or in --signing-config' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l signing-config -d 'A Sigstore signing config (v0.2 JSON, as cosign v3 takes) naming the Fulcio, timestamp authority and Rekor logs to use, instead of the instance\'s' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l rekor-url -d 'Rekor log to record the signature in (default: the signing config\'s logs of the newest API version it names; public good: its Rekor v1 log). Keyless signatures are recorded whenever a log is known; key-based ones with --tlog-upload' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l rekor-version -d 'Rekor API version of the log: 1 (a `dsse` entry with a signed integration time, which stands in for a timestamp authority) or 2 (a `hashedrekord` entry). Default: the version the signing config gives the log (with --rekor-url: for that URL, else 2); without --rekor-url it picks the signing config\'s logs of that version' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l public-good-tuf-url -d 'The public-good instance\'s TUF mirror (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l public-good-tuf-root -d 'An initial TUF root.json for the public-good mirror, obtained out of band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l github-tuf-url -d 'GitHub\'s instance\'s TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL, else https://tuf-repo.github.com). Plain http only on loopback' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l github-tuf-root -d 'An initial TUF root.json for GitHub\'s mirror, obtained out of band (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -s o -l output -d 'Where to write the bundle: a file, or an existing directory (default: <target-dir>/attest/)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l push -d 'Push the attested files as one OCI artifact to REF, and the bundle attached to it. Repeatable: one signature, every REF pushed at once, each attached the way its registry supports. A REF without a registry host goes to the OCI layout target/oci/<name>' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l push-file -d 'Push to every REF listed in FILE as well: one per line; blank lines and lines starting with `#` are skipped' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l sbom-size-limit -d 'Refuse, before anything is signed, an SBOM larger than SIZE: bytes, or a number with KiB, MiB or GiB [env: CARGO_ATTEST_SBOM_SIZE_LIMIT] [default: 16MiB, the limit of GitHub\'s actions/attest]' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l oci-layout -d 'Use this OCI image layout directory instead of a registry' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l attach -d 'How attestations are attached: decide on evidence (auto), the OCI 1.1 referrers API only, or the sha256-<hex> referrers tag fallback only' -r -f -a "auto\t''
referrers\t''
tag\t''"
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l created -d 'The `org.opencontainers.image.created` of what is pushed: `now`, or an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit\'s time, else none, so the same commit pushes the same digests' -r
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l progress -d 'Progress bars on a terminal (auto), always, or plain lines only (never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -s r -l release -d 'The build used the release profile'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l all-features -d 'The build enabled all features'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l no-default-features -d 'The build disabled default features'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l keyless -d 'Sign keyless: an OIDC identity token buys a short-lived Fulcio certificate for a key that lives only in memory, and a timestamp authority or a Rekor v1 log vouches for the time. Chosen by itself in CI when an identity token is available and no --key or --key-name is given'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l tlog-upload -d 'Record the signature in the Rekor log (key-based signing too)'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l no-tlog-upload -d 'Do not record the signature in a transparency log'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l offline -d 'Do not refresh trust material through TUF: use the cached copy, else the one built in (with a warning saying which and how old). Also CARGO_ATTEST_OFFLINE=1'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l strict -d 'Fail (exit 4) instead of warning when the provenance has gaps: no git checkout or commit, a dirty tree, outputs older than sources'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l sbom -d 'Also attest a CycloneDX 1.6 SBOM of each build output: the packages compiled into it for this target, profile and features. Each is signed like the provenance and written beside its bundle as <bundle-name>.<output>.cdx.sigstore.json; with --push, attached to the artifact too'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l sbom-only -d 'Attest only the SBOMs (as --sbom), without provenance'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l plain-http -d 'Allow plain HTTP to registries that are not on a loopback address'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l insecure -d 'Do not verify registries\' TLS certificates'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -l redetect -d 'Forget the remembered attach verdict for the repository and detect again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h)'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -s V -l version -d 'Print version'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "verify" -d 'Verify files against a bundle, or the attestations attached to an image'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "key" -d 'Manage signing keys in the OS keyring'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "package" -d 'Attest the .crate `cargo package` made (target/package/NAME-VERSION.crate)'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "push" -d 'Push files as one OCI artifact to a registry or an OCI layout'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "attach" -d 'Attach an existing Sigstore bundle to an image or artifact'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "discover" -d 'List what is attached to an image or artifact'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "download" -d 'Write the Sigstore bundles attached to an image to files, for offline use'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "inspect" -d 'Show what a bundle, or each attestation attached to an image, says (unverified)'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "trusted-root" -d 'Print a Sigstore instance\'s current trusted root, refreshed through TUF (JSON lines)'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "prune" -d 'Remove fallback tags, attestations and superseded indexes whose subject is gone'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "migrate" -d 'Move fallback-tag referrers to a registry\'s referrers API, then drop the tags'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "repair" -d 'Fill in fallback-index entries other tools wrote without artifactType or annotations'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "login" -d 'Store registry credentials in the OS keyring (checked first)'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "logout" -d 'Remove registry credentials from the OS keyring'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "generate" -d 'Write shell completions or man pages (for packagers)'
complete -c cargo-attest -n "__fish_cargo_attest_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l bundle -d 'The Sigstore bundle to check the files against; or many: a JSON-lines file of bundles (as `gh attestation download` writes), or a directory of *.sigstore.json and *.jsonl files. With many, every file must be named by a bundle that verifies; bundles about other files or predicate types are skipped, and any bundle that names a file and fails fails the run. Without --bundle and --from, the bundle is looked for where `cargo attest` writes it (<target-dir>/attest/*.sigstore.json naming the files)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l from -d 'Check the files against the attestations attached to REF (registry or OCI layout), in one step' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l key -d 'Key to check a key-signed bundle\'s signature with: a public key PEM, or a private key file (its public half; an encrypted one takes its passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt). Repeat for several keys: any one suffices. Without it, the keyring key whose id equals the bundle\'s key hint is used. Keyless bundles are checked with the identity flags instead' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l predicate-type -d 'Require this predicate type' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l builder-id -d 'Require this builder id (runDetails.builder.id)' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l source-repo -d 'Require the build\'s source to be this repository (URL; `git+` prefix, `.git` suffix and ref are ignored when comparing). For a keyless bundle, the certificate\'s source repository must match too, when it names one' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l source-ref -d 'Require the build\'s source ref, a full git ref such as refs/heads/main or refs/tags/v1.0 (the source URI\'s `@ref`, or GitHub\'s workflow ref). For a keyless bundle, the certificate\'s source ref must be it too' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l source-digest -d 'Require the build\'s source commit (hex, as `git rev-parse HEAD` prints it). For a keyless bundle, the certificate\'s source digest must be it too' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l trusted-root -d 'Sigstore trusted root (JSON) with the certificate and timestamp authorities to trust. Default: for a keyless bundle, the trusted root of the instance whose Fulcio issued its certificate (public good or GitHub\'s), refreshed through TUF; for a key-signed one, public good\'s built-in root' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l certificate-identity -d 'Require this certificate identity (the SAN: a workflow URI or an email)' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l certificate-identity-regexp -d 'Require a certificate identity matching this regular expression, which must be anchored, `^...$` (e.g. `^https://github\\.com/acme/tool/\\.github/workflows/release\\.yml@refs/tags/.*$`): an unanchored one matches anywhere, so `acme` passes `evilacme`. Unanchored patterns are refused unless --allow-unanchored' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l certificate-oidc-issuer -d 'Require this OIDC issuer (default with --owner, --repo or --signer-workflow: https://token.actions.githubusercontent.com, or https://HOST for a GitLab host such as gitlab.com)' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l certificate-oidc-issuer-regexp -d 'Require an OIDC issuer matching this regular expression, which must be anchored, `^...$`; unanchored patterns are refused unless --allow-unanchored' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l owner -d 'Require the source repository\'s owner: [HOST/]OWNER, a GitHub organization or user (host github.com by default), or a GitLab group such as gitlab.com/group (its subgroups\' projects included). The certificate\'s identity must be on HOST too' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l repo -d 'Require the source repository: [HOST/]OWNER/REPO on GitHub (host github.com by default), HOST/GROUP[/SUBGROUP...]/PROJECT on GitLab (gitlab.com or a host whose first label is `gitlab`). The certificate\'s identity must be on HOST too' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l signer-workflow -d 'Require the workflow that signed, at any ref: [HOST/]OWNER/REPO/PATH on GitHub (e.g. acme/tool/.github/workflows/release.yml), or HOST/GROUP/PROJECT//CI_CONFIG_PATH on GitLab, as the certificate names it (e.g. gitlab.com/group/project//.gitlab-ci.yml)' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l tlog-threshold -d 'Require at least N verified transparency log entries (default: 1 for keyless bundles when the trusted root lists a log, else 0). Entries a bundle carries are always verified against the trusted root\'s logs' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l public-good-tuf-url -d 'The public-good instance\'s TUF mirror (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l public-good-tuf-root -d 'An initial TUF root.json for the public-good mirror, obtained out of band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l github-tuf-url -d 'GitHub\'s instance\'s TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL, else https://tuf-repo.github.com). Plain http only on loopback' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l github-tuf-root -d 'An initial TUF root.json for GitHub\'s mirror, obtained out of band (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l oci-layout -d 'Use this OCI image layout directory instead of a registry' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l crate -d 'Verify a published crate instead of files: NAME@VERSION\'s .crate, from cargo\'s download cache or else downloaded from its registry, must match the checksum of the registry\'s sparse index (else exit 10), then the attestation of --bundle or --from REF' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l registry -d 'The registry of --crate, as cargo\'s configuration names it ([registries.NAME] or CARGO_REGISTRIES_NAME_INDEX; default: crates.io)' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l allow-unanchored -d 'Accept --certificate-identity-regexp and --certificate-oidc-issuer-regexp patterns that are not anchored with `^...$`, which then match anywhere in the value (unsafe: a branch name or another owner\'s name can contain the text)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l deny-self-hosted-runners -d 'Refuse signatures made on self-hosted runners'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l insecure-ignore-tlog -d 'Neither require nor check transparency log entries (for private Sigstore instances without a log)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l offline -d 'Do not refresh trust material through TUF: use the cached copy, else the one built in (with a warning saying which and how old). Also CARGO_ATTEST_OFFLINE=1'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l plain-http -d 'Allow plain HTTP to registries that are not on a loopback address'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -l insecure -d 'Do not verify registries\' TLS certificates'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand verify" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and not __fish_seen_subcommand_from generate import export list delete help" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and not __fish_seen_subcommand_from generate import export list delete help" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and not __fish_seen_subcommand_from generate import export list delete help" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and not __fish_seen_subcommand_from generate import export list delete help" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and not __fish_seen_subcommand_from generate import export list delete help" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and not __fish_seen_subcommand_from generate import export list delete help" -f -a "generate" -d 'Create a new signing key in the keyring (or a PEM file with --output)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and not __fish_seen_subcommand_from generate import export list delete help" -f -a "import" -d 'Store a PEM private key (PKCS#8, plain or encrypted) in the keyring'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and not __fish_seen_subcommand_from generate import export list delete help" -f -a "export" -d 'Print a key as PEM: the public key, or with --private the private key'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and not __fish_seen_subcommand_from generate import export list delete help" -f -a "list" -d 'List the signing keys in the keyring'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and not __fish_seen_subcommand_from generate import export list delete help" -f -a "delete" -d 'Remove a signing key from the keyring (asks first; --yes off a terminal)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and not __fish_seen_subcommand_from generate import export list delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from generate" -l algorithm -d 'Signature algorithm' -r -f -a "p256\t'ECDSA on NIST P-256 with SHA-256'
ed25519\t'Ed25519 (pure EdDSA)'"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from generate" -l output -d 'Write the private key to this PEM file instead of the keyring, and its public key beside it (FILE with the extension .pub). The private key is encrypted with the passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt, unless --unencrypted' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from generate" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from generate" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from generate" -l unencrypted -d 'With --output: write the private key unencrypted'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from generate" -l force -d 'Replace an existing key of the same name'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from generate" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from generate" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from import" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from import" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from import" -l force -d 'Replace an existing key of the same name'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from export" -l key -d 'Export the public key of this key file instead of a keyring key\'s: a private key (plain, or encrypted with the passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt) or a public key' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from export" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from export" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from export" -l private -d 'Export the private key (PKCS#8 PEM, encrypted with the passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt, unless --unencrypted)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from export" -l unencrypted -d 'With --private: write the private key unencrypted'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from list" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from list" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from delete" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from delete" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from delete" -l yes -d 'Delete without asking (required when there is no terminal to ask on)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "generate" -d 'Create a new signing key in the keyring (or a PEM file with --output)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "import" -d 'Store a PEM private key (PKCS#8, plain or encrypted) in the keyring'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "export" -d 'Print a key as PEM: the public key, or with --private the private key'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the signing keys in the keyring'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Remove a signing key from the keyring (asks first; --yes off a terminal)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l manifest-path -d 'Path to Cargo.toml' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -s p -l package -d 'The package whose .crate to attest (default: the workspace\'s one default member)' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l target-dir -d 'Directory cargo package wrote to (default: cargo\'s target directory; the .crate is in its package/)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l key -d 'Sign with this PEM private key (PKCS#8, plain or encrypted) instead of a keyring key. The passphrase comes from CARGO_ATTEST_KEY_PASSPHRASE or a prompt' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l key-name -d 'Name of the keyring key to sign with. If no key of this name exists yet, a P-256 key is created in the keyring' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l sigstore -d 'The Sigstore instance to sign keyless on, its services from its signing config (refreshed through TUF). Default: CARGO_ATTEST_SIGSTORE; else in GitHub Actions public good for a public repository and GitHub\'s instance for any other (as actions/attest); in GitLab CI public good for a public project, none otherwise; elsewhere public good. Public good logs the signer\'s identity publicly' -r -f -a "public-good\t'Sigstore\'s public-good instance (sigstore.dev): public CT log and Rekor transparency log'
github\t'GitHub\'s instance (githubapp.com): Fulcio and a timestamp authority, no public log'"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l identity-token -d 'The OIDC identity token for keyless signing, or @FILE to read it from a file (implies --keyless). Default: SIGSTORE_ID_TOKEN, else GitHub Actions\' ID token (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN)' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l fulcio-url -d 'Fulcio to get the signing certificate from (default: the signing config\'s, else the instance\'s)' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l timestamp-server-url -d 'RFC 3161 timestamp authority to timestamp the signature with (default: the signing config\'s, else the instance\'s, if it has one). Keyless signing needs one unless it records in a Rekor v1 log; key-based signing uses one only when one is named here or in --signing-config' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l signing-config -d 'A Sigstore signing config (v0.2 JSON, as cosign v3 takes) naming the Fulcio, timestamp authority and Rekor logs to use, instead of the instance\'s' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l rekor-url -d 'Rekor log to record the signature in (default: the signing config\'s logs of the newest API version it names; public good: its Rekor v1 log). Keyless signatures are recorded whenever a log is known; key-based ones with --tlog-upload' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l rekor-version -d 'Rekor API version of the log: 1 (a `dsse` entry with a signed integration time, which stands in for a timestamp authority) or 2 (a `hashedrekord` entry). Default: the version the signing config gives the log (with --rekor-url: for that URL, else 2); without --rekor-url it picks the signing config\'s logs of that version' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l public-good-tuf-url -d 'The public-good instance\'s TUF mirror (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l public-good-tuf-root -d 'An initial TUF root.json for the public-good mirror, obtained out of band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l github-tuf-url -d 'GitHub\'s instance\'s TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL, else https://tuf-repo.github.com). Plain http only on loopback' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l github-tuf-root -d 'An initial TUF root.json for GitHub\'s mirror, obtained out of band (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -s o -l output -d 'Where to write the bundle: a file, or an existing directory (default: beside the .crate, NAME-VERSION.crate.sigstore.json)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l push -d 'Push the .crate as one OCI artifact to REF, and the bundle attached to it' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l oci-layout -d 'Use this OCI image layout directory instead of a registry' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l attach -d 'How attestations are attached: decide on evidence (auto), the OCI 1.1 referrers API only, or the sha256-<hex> referrers tag fallback only' -r -f -a "auto\t''
referrers\t''
tag\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l created -d 'The `org.opencontainers.image.created` of what is pushed: `now`, or an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit\'s time, else none, so the same commit pushes the same digests' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l progress -d 'Progress bars on a terminal (auto), always, or plain lines only (never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l keyless -d 'Sign keyless: an OIDC identity token buys a short-lived Fulcio certificate for a key that lives only in memory, and a timestamp authority or a Rekor v1 log vouches for the time. Chosen by itself in CI when an identity token is available and no --key or --key-name is given'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l tlog-upload -d 'Record the signature in the Rekor log (key-based signing too)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l no-tlog-upload -d 'Do not record the signature in a transparency log'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l offline -d 'Do not refresh trust material through TUF: use the cached copy, else the one built in (with a warning saying which and how old). Also CARGO_ATTEST_OFFLINE=1'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l plain-http -d 'Allow plain HTTP to registries that are not on a loopback address'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l insecure -d 'Do not verify registries\' TLS certificates'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -l redetect -d 'Forget the remembered attach verdict for the repository and detect again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand package" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -l artifact-type -d 'The artifact\'s artifactType' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -l bundle -d 'Attach this Sigstore bundle to the pushed artifact' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -l oci-layout -d 'Use this OCI image layout directory instead of a registry' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -l attach -d 'How attestations are attached: decide on evidence (auto), the OCI 1.1 referrers API only, or the sha256-<hex> referrers tag fallback only' -r -f -a "auto\t''
referrers\t''
tag\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -l created -d 'The `org.opencontainers.image.created` of what is pushed: `now`, or an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit\'s time, else none, so the same commit pushes the same digests' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -l progress -d 'Progress bars on a terminal (auto), always, or plain lines only (never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -l plain-http -d 'Allow plain HTTP to registries that are not on a loopback address'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -l insecure -d 'Do not verify registries\' TLS certificates'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -l redetect -d 'Forget the remembered attach verdict for the repository and detect again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand push" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -l subjects -d 'Attach the bundle to every image FILE lists instead of REF: one `NAME@sha256:<hex>` per line, or GoReleaser\'s digests.txt lines (`sha256:<hex>  REGISTRY/REPOSITORY[:TAG]`: the digest names the manifest, the tag is ignored). Every subject is tried; one report; the exit code is the first failure\'s' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -l bundle -d 'The Sigstore bundle (*.sigstore.json) to attach' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -l oci-layout -d 'Use this OCI image layout directory instead of a registry' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -l attach -d 'How attestations are attached: decide on evidence (auto), the OCI 1.1 referrers API only, or the sha256-<hex> referrers tag fallback only' -r -f -a "auto\t''
referrers\t''
tag\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -l created -d 'The `org.opencontainers.image.created` of what is pushed: `now`, or an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit\'s time, else none, so the same commit pushes the same digests' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -l force -d 'Attach the bundle even if its statement does not name the image(s)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -l plain-http -d 'Allow plain HTTP to registries that are not on a loopback address'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -l insecure -d 'Do not verify registries\' TLS certificates'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -l redetect -d 'Forget the remembered attach verdict for the repository and detect again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand attach" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand discover" -l artifact-type -d 'Only list referrers of this artifactType' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand discover" -l oci-layout -d 'Use this OCI image layout directory instead of a registry' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand discover" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand discover" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand discover" -l plain-http -d 'Allow plain HTTP to registries that are not on a loopback address'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand discover" -l insecure -d 'Do not verify registries\' TLS certificates'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand discover" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand discover" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand discover" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand download" -s o -l output -d 'Directory to write the bundles to (created if missing)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand download" -l bundle-format -d 'How to write them: one sha256-<hex>.sigstore.json per bundle (named after the bundle blob), or `jsonl`: one file of JSON lines, one bundle per line, named after the subject as `gh attestation download` names it (sha256:<hex>.jsonl; sha256-<hex>.jsonl on Windows)' -r -f -a "sigstore-json\t''
jsonl\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand download" -l oci-layout -d 'Use this OCI image layout directory instead of a registry' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand download" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand download" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand download" -l plain-http -d 'Allow plain HTTP to registries that are not on a loopback address'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand download" -l insecure -d 'Do not verify registries\' TLS certificates'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand download" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand download" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand download" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand inspect" -l oci-layout -d 'Use this OCI image layout directory instead of a registry' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand inspect" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand inspect" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand inspect" -l plain-http -d 'Allow plain HTTP to registries that are not on a loopback address'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand inspect" -l insecure -d 'Do not verify registries\' TLS certificates'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand inspect" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand inspect" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand trusted-root" -l sigstore -d 'Print only this instance\'s trusted root (default: public good\'s, then GitHub\'s, one per line)' -r -f -a "public-good\t'Sigstore\'s public-good instance (sigstore.dev): public CT log and Rekor transparency log'
github\t'GitHub\'s instance (githubapp.com): Fulcio and a timestamp authority, no public log'"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand trusted-root" -l public-good-tuf-url -d 'The public-good instance\'s TUF mirror (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand trusted-root" -l public-good-tuf-root -d 'An initial TUF root.json for the public-good mirror, obtained out of band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand trusted-root" -l github-tuf-url -d 'GitHub\'s instance\'s TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL, else https://tuf-repo.github.com). Plain http only on loopback' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand trusted-root" -l github-tuf-root -d 'An initial TUF root.json for GitHub\'s mirror, obtained out of band (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one)' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand trusted-root" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand trusted-root" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand trusted-root" -l offline -d 'Do not refresh trust material through TUF: use the cached copy, else the one built in (with a warning saying which and how old). Also CARGO_ATTEST_OFFLINE=1'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand trusted-root" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand trusted-root" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand trusted-root" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand prune" -l oci-layout -d 'Use this OCI image layout directory instead of a registry' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand prune" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand prune" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand prune" -l yes -d 'Act: without it, only print what would be done'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand prune" -l plain-http -d 'Allow plain HTTP to registries that are not on a loopback address'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand prune" -l insecure -d 'Do not verify registries\' TLS certificates'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand prune" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand prune" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand prune" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand migrate" -l oci-layout -d 'Use this OCI image layout directory instead of a registry' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand migrate" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand migrate" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand migrate" -l yes -d 'Act: without it, only print what would be done'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand migrate" -l plain-http -d 'Allow plain HTTP to registries that are not on a loopback address'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand migrate" -l insecure -d 'Do not verify registries\' TLS certificates'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand migrate" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand migrate" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand migrate" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand repair" -l oci-layout -d 'Use this OCI image layout directory instead of a registry' -r -F
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand repair" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand repair" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand repair" -l yes -d 'Write the repaired indexes: without it, only print what would be done'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand repair" -l plain-http -d 'Allow plain HTTP to registries that are not on a loopback address'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand repair" -l insecure -d 'Do not verify registries\' TLS certificates'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand repair" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand repair" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand repair" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand login" -s u -l username -d 'User name (prompted for on a terminal when missing)' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand login" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand login" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand login" -l password-stdin -d 'Read the password or token from stdin'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand login" -l plain-http -d 'Allow plain HTTP to registries that are not on a loopback address'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand login" -l insecure -d 'Do not verify registries\' TLS certificates'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand login" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand login" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand login" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand logout" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand logout" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand logout" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand logout" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand logout" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "completions" -d 'Write completion scripts for bash, zsh, fish, powershell and elvish'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "man" -d 'Write man pages for the command and each subcommand'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from completions" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from completions" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from completions" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from completions" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from man" -l format -d 'Output format: short human text, or JSON on stdout for scripts' -r -f -a "text\t''
json\t''"
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from man" -l timeout -d 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none' -r
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from man" -s q -l quiet -d 'Print only errors'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from man" -s v -l verbose -d 'Print more about each step (repeat for more). Secrets are never printed'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Write completion scripts for bash, zsh, fish, powershell and elvish'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'Write man pages for the command and each subcommand'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "verify" -d 'Verify files against a bundle, or the attestations attached to an image'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "key" -d 'Manage signing keys in the OS keyring'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "package" -d 'Attest the .crate `cargo package` made (target/package/NAME-VERSION.crate)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "push" -d 'Push files as one OCI artifact to a registry or an OCI layout'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "attach" -d 'Attach an existing Sigstore bundle to an image or artifact'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "discover" -d 'List what is attached to an image or artifact'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "download" -d 'Write the Sigstore bundles attached to an image to files, for offline use'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "inspect" -d 'Show what a bundle, or each attestation attached to an image, says (unverified)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "trusted-root" -d 'Print a Sigstore instance\'s current trusted root, refreshed through TUF (JSON lines)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "prune" -d 'Remove fallback tags, attestations and superseded indexes whose subject is gone'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "migrate" -d 'Move fallback-tag referrers to a registry\'s referrers API, then drop the tags'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "repair" -d 'Fill in fallback-index entries other tools wrote without artifactType or annotations'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "login" -d 'Store registry credentials in the OS keyring (checked first)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "logout" -d 'Remove registry credentials from the OS keyring'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "generate" -d 'Write shell completions or man pages (for packagers)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and not __fish_seen_subcommand_from verify key package push attach discover download inspect trusted-root prune migrate repair login logout generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "generate" -d 'Create a new signing key in the keyring (or a PEM file with --output)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "import" -d 'Store a PEM private key (PKCS#8, plain or encrypted) in the keyring'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "export" -d 'Print a key as PEM: the public key, or with --private the private key'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "list" -d 'List the signing keys in the keyring'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "delete" -d 'Remove a signing key from the keyring (asks first; --yes off a terminal)'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Write completion scripts for bash, zsh, fish, powershell and elvish'
complete -c cargo-attest -n "__fish_cargo_attest_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'Write man pages for the command and each subcommand'
