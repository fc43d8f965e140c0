
use builtin;
use str;

set edit:completion:arg-completer[cargo-attest] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cargo-attest'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cargo-attest'= {
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --manifest-path 'Path to Cargo.toml'
            cand -p 'Package(s) whose outputs to attest (default: the workspace''s default members)'
            cand --package 'Package(s) whose outputs to attest (default: the workspace''s default members)'
            cand --target 'Target triple the build was made for'
            cand --profile 'Profile the build used'
            cand --target-dir 'Directory of build outputs (default: cargo''s target directory)'
            cand -F 'Features the build enabled (comma or space separated)'
            cand --features 'Features the build enabled (comma or space separated)'
            cand --cargo-json 'Read a `cargo build --message-format=json` stream from FILE (`-` for stdin) instead of looking in the target directory. A piped stdin is read automatically'
            cand --subject-path 'Attest files matching GLOB instead of the build''s outputs (repeatable)'
            cand --subject-checksums 'Attest the files listed in a shasum-format file (sha256 or sha512)'
            cand --subject-name 'Name of a subject given by digest, such as a container image'
            cand --subject-digest 'Digest of the subject named by --subject-name (sha256:HEX)'
            cand --key 'Sign with this PEM private key (PKCS#8, plain or encrypted) instead of a keyring key. The passphrase comes from CARGO_ATTEST_KEY_PASSPHRASE or a prompt'
            cand --key-name 'Name of the keyring key to sign with. If no key of this name exists yet, a P-256 key is created in the keyring'
            cand --sigstore 'The Sigstore instance to sign keyless on, its services from its signing config (refreshed through TUF). Default: CARGO_ATTEST_SIGSTORE; else in GitHub Actions public good for a public repository and GitHub''s instance for any other (as actions/attest); in GitLab CI public good for a public project, none otherwise; elsewhere public good. Public good logs the signer''s identity publicly'
            cand --identity-token 'The OIDC identity token for keyless signing, or @FILE to read it from a file (implies --keyless). Default: SIGSTORE_ID_TOKEN, else GitHub Actions'' ID token (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN)'
            cand --fulcio-url 'Fulcio to get the signing certificate from (default: the signing config''s, else the instance''s)'
            cand --timestamp-server-url 'RFC 3161 timestamp authority to timestamp the signature with (default: the signing config''s, else the instance''s, if it has one). Keyless signing needs one unless it records in a Rekor v1 log; key-based signing uses one only when one is named here or in --signing-config'
            cand --signing-config 'A Sigstore signing config (v0.2 JSON, as cosign v3 takes) naming the Fulcio, timestamp authority and Rekor logs to use, instead of the instance''s'
            cand --rekor-url 'Rekor log to record the signature in (default: the signing config''s logs of the newest API version it names; public good: its Rekor v1 log). Keyless signatures are recorded whenever a log is known; key-based ones with --tlog-upload'
            cand --rekor-version 'Rekor API version of the log: 1 (a `dsse` entry with a signed integration time, which stands in for a timestamp authority) or 2 (a `hashedrekord` entry). Default: the version the signing config gives the log (with --rekor-url: for that URL, else 2); without --rekor-url it picks the signing config''s logs of that version'
            cand --public-good-tuf-url 'The public-good instance''s TUF mirror (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback'
            cand --public-good-tuf-root 'An initial TUF root.json for the public-good mirror, obtained out of band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one)'
            cand --github-tuf-url 'GitHub''s instance''s TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL, else https://tuf-repo.github.com). Plain http only on loopback'
            cand --github-tuf-root 'An initial TUF root.json for GitHub''s mirror, obtained out of band (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one)'
            cand -o 'Where to write the bundle: a file, or an existing directory (default: <target-dir>/attest/)'
            cand --output 'Where to write the bundle: a file, or an existing directory (default: <target-dir>/attest/)'
            cand --push 'Push the attested files as one OCI artifact to REF, and the bundle attached to it. Repeatable: one signature, every REF pushed at once, each attached the way its registry supports. A REF without a registry host goes to the OCI layout target/oci/<name>'
            cand --push-file 'Push to every REF listed in FILE as well: one per line; blank lines and lines starting with `#` are skipped'
            cand --sbom-size-limit 'Refuse, before anything is signed, an SBOM larger than SIZE: bytes, or a number with KiB, MiB or GiB [env: CARGO_ATTEST_SBOM_SIZE_LIMIT] [default: 16MiB, the limit of GitHub''s actions/attest]'
            cand --oci-layout 'Use this OCI image layout directory instead of a registry'
            cand --attach 'How attestations are attached: decide on evidence (auto), the OCI 1.1 referrers API only, or the sha256-<hex> referrers tag fallback only'
            cand --created 'The `org.opencontainers.image.created` of what is pushed: `now`, or an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit''s time, else none, so the same commit pushes the same digests'
            cand --progress 'Progress bars on a terminal (auto), always, or plain lines only (never)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -r 'The build used the release profile'
            cand --release 'The build used the release profile'
            cand --all-features 'The build enabled all features'
            cand --no-default-features 'The build disabled default features'
            cand --keyless 'Sign keyless: an OIDC identity token buys a short-lived Fulcio certificate for a key that lives only in memory, and a timestamp authority or a Rekor v1 log vouches for the time. Chosen by itself in CI when an identity token is available and no --key or --key-name is given'
            cand --tlog-upload 'Record the signature in the Rekor log (key-based signing too)'
            cand --no-tlog-upload 'Do not record the signature in a transparency log'
            cand --offline 'Do not refresh trust material through TUF: use the cached copy, else the one built in (with a warning saying which and how old). Also CARGO_ATTEST_OFFLINE=1'
            cand --strict 'Fail (exit 4) instead of warning when the provenance has gaps: no git checkout or commit, a dirty tree, outputs older than sources'
            cand --sbom 'Also attest a CycloneDX 1.6 SBOM of each build output: the packages compiled into it for this target, profile and features. Each is signed like the provenance and written beside its bundle as <bundle-name>.<output>.cdx.sigstore.json; with --push, attached to the artifact too'
            cand --sbom-only 'Attest only the SBOMs (as --sbom), without provenance'
            cand --plain-http 'Allow plain HTTP to registries that are not on a loopback address'
            cand --insecure 'Do not verify registries'' TLS certificates'
            cand --redetect 'Forget the remembered attach verdict for the repository and detect again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand verify 'Verify files against a bundle, or the attestations attached to an image'
            cand key 'Manage signing keys in the OS keyring'
            cand package 'Attest the .crate `cargo package` made (target/package/NAME-VERSION.crate)'
            cand push 'Push files as one OCI artifact to a registry or an OCI layout'
            cand attach 'Attach an existing Sigstore bundle to an image or artifact'
            cand discover 'List what is attached to an image or artifact'
            cand download 'Write the Sigstore bundles attached to an image to files, for offline use'
            cand inspect 'Show what a bundle, or each attestation attached to an image, says (unverified)'
            cand trusted-root 'Print a Sigstore instance''s current trusted root, refreshed through TUF (JSON lines)'
            cand prune 'Remove fallback tags, attestations and superseded indexes whose subject is gone'
            cand migrate 'Move fallback-tag referrers to a registry''s referrers API, then drop the tags'
            cand repair 'Fill in fallback-index entries other tools wrote without artifactType or annotations'
            cand login 'Store registry credentials in the OS keyring (checked first)'
            cand logout 'Remove registry credentials from the OS keyring'
            cand generate 'Write shell completions or man pages (for packagers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cargo-attest;verify'= {
            cand --bundle 'The Sigstore bundle to check the files against; or many: a JSON-lines file of bundles (as `gh attestation download` writes), or a directory of *.sigstore.json and *.jsonl files. With many, every file must be named by a bundle that verifies; bundles about other files or predicate types are skipped, and any bundle that names a file and fails fails the run. Without --bundle and --from, the bundle is looked for where `cargo attest` writes it (<target-dir>/attest/*.sigstore.json naming the files)'
            cand --from 'Check the files against the attestations attached to REF (registry or OCI layout), in one step'
            cand --key 'Key to check a key-signed bundle''s signature with: a public key PEM, or a private key file (its public half; an encrypted one takes its passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt). Repeat for several keys: any one suffices. Without it, the keyring key whose id equals the bundle''s key hint is used. Keyless bundles are checked with the identity flags instead'
            cand --predicate-type 'Require this predicate type'
            cand --builder-id 'Require this builder id (runDetails.builder.id)'
            cand --source-repo 'Require the build''s source to be this repository (URL; `git+` prefix, `.git` suffix and ref are ignored when comparing). For a keyless bundle, the certificate''s source repository must match too, when it names one'
            cand --source-ref 'Require the build''s source ref, a full git ref such as refs/heads/main or refs/tags/v1.0 (the source URI''s `@ref`, or GitHub''s workflow ref). For a keyless bundle, the certificate''s source ref must be it too'
            cand --source-digest 'Require the build''s source commit (hex, as `git rev-parse HEAD` prints it). For a keyless bundle, the certificate''s source digest must be it too'
            cand --trusted-root 'Sigstore trusted root (JSON) with the certificate and timestamp authorities to trust. Default: for a keyless bundle, the trusted root of the instance whose Fulcio issued its certificate (public good or GitHub''s), refreshed through TUF; for a key-signed one, public good''s built-in root'
            cand --certificate-identity 'Require this certificate identity (the SAN: a workflow URI or an email)'
            cand --certificate-identity-regexp 'Require a certificate identity matching this regular expression, which must be anchored, `^...$` (e.g. `^https://github\.com/acme/tool/\.github/workflows/release\.yml@refs/tags/.*$`): an unanchored one matches anywhere, so `acme` passes `evilacme`. Unanchored patterns are refused unless --allow-unanchored'
            cand --certificate-oidc-issuer 'Require this OIDC issuer (default with --owner, --repo or --signer-workflow: https://token.actions.githubusercontent.com, or https://HOST for a GitLab host such as gitlab.com)'
            cand --certificate-oidc-issuer-regexp 'Require an OIDC issuer matching this regular expression, which must be anchored, `^...$`; unanchored patterns are refused unless --allow-unanchored'
            cand --owner 'Require the source repository''s owner: [HOST/]OWNER, a GitHub organization or user (host github.com by default), or a GitLab group such as gitlab.com/group (its subgroups'' projects included). The certificate''s identity must be on HOST too'
            cand --repo 'Require the source repository: [HOST/]OWNER/REPO on GitHub (host github.com by default), HOST/GROUP[/SUBGROUP...]/PROJECT on GitLab (gitlab.com or a host whose first label is `gitlab`). The certificate''s identity must be on HOST too'
            cand --signer-workflow 'Require the workflow that signed, at any ref: [HOST/]OWNER/REPO/PATH on GitHub (e.g. acme/tool/.github/workflows/release.yml), or HOST/GROUP/PROJECT//CI_CONFIG_PATH on GitLab, as the certificate names it (e.g. gitlab.com/group/project//.gitlab-ci.yml)'
            cand --tlog-threshold 'Require at least N verified transparency log entries (default: 1 for keyless bundles when the trusted root lists a log, else 0). Entries a bundle carries are always verified against the trusted root''s logs'
            cand --public-good-tuf-url 'The public-good instance''s TUF mirror (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback'
            cand --public-good-tuf-root 'An initial TUF root.json for the public-good mirror, obtained out of band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one)'
            cand --github-tuf-url 'GitHub''s instance''s TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL, else https://tuf-repo.github.com). Plain http only on loopback'
            cand --github-tuf-root 'An initial TUF root.json for GitHub''s mirror, obtained out of band (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one)'
            cand --oci-layout 'Use this OCI image layout directory instead of a registry'
            cand --crate 'Verify a published crate instead of files: NAME@VERSION''s .crate, from cargo''s download cache or else downloaded from its registry, must match the checksum of the registry''s sparse index (else exit 10), then the attestation of --bundle or --from REF'
            cand --registry 'The registry of --crate, as cargo''s configuration names it ([registries.NAME] or CARGO_REGISTRIES_NAME_INDEX; default: crates.io)'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --allow-unanchored 'Accept --certificate-identity-regexp and --certificate-oidc-issuer-regexp patterns that are not anchored with `^...$`, which then match anywhere in the value (unsafe: a branch name or another owner''s name can contain the text)'
            cand --deny-self-hosted-runners 'Refuse signatures made on self-hosted runners'
            cand --insecure-ignore-tlog 'Neither require nor check transparency log entries (for private Sigstore instances without a log)'
            cand --offline 'Do not refresh trust material through TUF: use the cached copy, else the one built in (with a warning saying which and how old). Also CARGO_ATTEST_OFFLINE=1'
            cand --plain-http 'Allow plain HTTP to registries that are not on a loopback address'
            cand --insecure 'Do not verify registries'' TLS certificates'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;key'= {
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
            cand generate 'Create a new signing key in the keyring (or a PEM file with --output)'
            cand import 'Store a PEM private key (PKCS#8, plain or encrypted) in the keyring'
            cand export 'Print a key as PEM: the public key, or with --private the private key'
            cand list 'List the signing keys in the keyring'
            cand delete 'Remove a signing key from the keyring (asks first; --yes off a terminal)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cargo-attest;key;generate'= {
            cand --algorithm 'Signature algorithm'
            cand --output 'Write the private key to this PEM file instead of the keyring, and its public key beside it (FILE with the extension .pub). The private key is encrypted with the passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt, unless --unencrypted'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --unencrypted 'With --output: write the private key unencrypted'
            cand --force 'Replace an existing key of the same name'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cargo-attest;key;import'= {
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --force 'Replace an existing key of the same name'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;key;export'= {
            cand --key 'Export the public key of this key file instead of a keyring key''s: a private key (plain, or encrypted with the passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt) or a public key'
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --private 'Export the private key (PKCS#8 PEM, encrypted with the passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt, unless --unencrypted)'
            cand --unencrypted 'With --private: write the private key unencrypted'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;key;list'= {
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;key;delete'= {
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --yes 'Delete without asking (required when there is no terminal to ask on)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;key;help'= {
            cand generate 'Create a new signing key in the keyring (or a PEM file with --output)'
            cand import 'Store a PEM private key (PKCS#8, plain or encrypted) in the keyring'
            cand export 'Print a key as PEM: the public key, or with --private the private key'
            cand list 'List the signing keys in the keyring'
            cand delete 'Remove a signing key from the keyring (asks first; --yes off a terminal)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cargo-attest;key;help;generate'= {
        }
        &'cargo-attest;key;help;import'= {
        }
        &'cargo-attest;key;help;export'= {
        }
        &'cargo-attest;key;help;list'= {
        }
        &'cargo-attest;key;help;delete'= {
        }
        &'cargo-attest;key;help;help'= {
        }
        &'cargo-attest;package'= {
            cand --manifest-path 'Path to Cargo.toml'
            cand -p 'The package whose .crate to attest (default: the workspace''s one default member)'
            cand --package 'The package whose .crate to attest (default: the workspace''s one default member)'
            cand --target-dir 'Directory cargo package wrote to (default: cargo''s target directory; the .crate is in its package/)'
            cand --key 'Sign with this PEM private key (PKCS#8, plain or encrypted) instead of a keyring key. The passphrase comes from CARGO_ATTEST_KEY_PASSPHRASE or a prompt'
            cand --key-name 'Name of the keyring key to sign with. If no key of this name exists yet, a P-256 key is created in the keyring'
            cand --sigstore 'The Sigstore instance to sign keyless on, its services from its signing config (refreshed through TUF). Default: CARGO_ATTEST_SIGSTORE; else in GitHub Actions public good for a public repository and GitHub''s instance for any other (as actions/attest); in GitLab CI public good for a public project, none otherwise; elsewhere public good. Public good logs the signer''s identity publicly'
            cand --identity-token 'The OIDC identity token for keyless signing, or @FILE to read it from a file (implies --keyless). Default: SIGSTORE_ID_TOKEN, else GitHub Actions'' ID token (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN)'
            cand --fulcio-url 'Fulcio to get the signing certificate from (default: the signing config''s, else the instance''s)'
            cand --timestamp-server-url 'RFC 3161 timestamp authority to timestamp the signature with (default: the signing config''s, else the instance''s, if it has one). Keyless signing needs one unless it records in a Rekor v1 log; key-based signing uses one only when one is named here or in --signing-config'
            cand --signing-config 'A Sigstore signing config (v0.2 JSON, as cosign v3 takes) naming the Fulcio, timestamp authority and Rekor logs to use, instead of the instance''s'
            cand --rekor-url 'Rekor log to record the signature in (default: the signing config''s logs of the newest API version it names; public good: its Rekor v1 log). Keyless signatures are recorded whenever a log is known; key-based ones with --tlog-upload'
            cand --rekor-version 'Rekor API version of the log: 1 (a `dsse` entry with a signed integration time, which stands in for a timestamp authority) or 2 (a `hashedrekord` entry). Default: the version the signing config gives the log (with --rekor-url: for that URL, else 2); without --rekor-url it picks the signing config''s logs of that version'
            cand --public-good-tuf-url 'The public-good instance''s TUF mirror (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback'
            cand --public-good-tuf-root 'An initial TUF root.json for the public-good mirror, obtained out of band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one)'
            cand --github-tuf-url 'GitHub''s instance''s TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL, else https://tuf-repo.github.com). Plain http only on loopback'
            cand --github-tuf-root 'An initial TUF root.json for GitHub''s mirror, obtained out of band (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one)'
            cand -o 'Where to write the bundle: a file, or an existing directory (default: beside the .crate, NAME-VERSION.crate.sigstore.json)'
            cand --output 'Where to write the bundle: a file, or an existing directory (default: beside the .crate, NAME-VERSION.crate.sigstore.json)'
            cand --push 'Push the .crate as one OCI artifact to REF, and the bundle attached to it'
            cand --oci-layout 'Use this OCI image layout directory instead of a registry'
            cand --attach 'How attestations are attached: decide on evidence (auto), the OCI 1.1 referrers API only, or the sha256-<hex> referrers tag fallback only'
            cand --created 'The `org.opencontainers.image.created` of what is pushed: `now`, or an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit''s time, else none, so the same commit pushes the same digests'
            cand --progress 'Progress bars on a terminal (auto), always, or plain lines only (never)'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --keyless 'Sign keyless: an OIDC identity token buys a short-lived Fulcio certificate for a key that lives only in memory, and a timestamp authority or a Rekor v1 log vouches for the time. Chosen by itself in CI when an identity token is available and no --key or --key-name is given'
            cand --tlog-upload 'Record the signature in the Rekor log (key-based signing too)'
            cand --no-tlog-upload 'Do not record the signature in a transparency log'
            cand --offline 'Do not refresh trust material through TUF: use the cached copy, else the one built in (with a warning saying which and how old). Also CARGO_ATTEST_OFFLINE=1'
            cand --plain-http 'Allow plain HTTP to registries that are not on a loopback address'
            cand --insecure 'Do not verify registries'' TLS certificates'
            cand --redetect 'Forget the remembered attach verdict for the repository and detect again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cargo-attest;push'= {
            cand --artifact-type 'The artifact''s artifactType'
            cand --bundle 'Attach this Sigstore bundle to the pushed artifact'
            cand --oci-layout 'Use this OCI image layout directory instead of a registry'
            cand --attach 'How attestations are attached: decide on evidence (auto), the OCI 1.1 referrers API only, or the sha256-<hex> referrers tag fallback only'
            cand --created 'The `org.opencontainers.image.created` of what is pushed: `now`, or an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit''s time, else none, so the same commit pushes the same digests'
            cand --progress 'Progress bars on a terminal (auto), always, or plain lines only (never)'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --plain-http 'Allow plain HTTP to registries that are not on a loopback address'
            cand --insecure 'Do not verify registries'' TLS certificates'
            cand --redetect 'Forget the remembered attach verdict for the repository and detect again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;attach'= {
            cand --subjects 'Attach the bundle to every image FILE lists instead of REF: one `NAME@sha256:<hex>` per line, or GoReleaser''s digests.txt lines (`sha256:<hex>  REGISTRY/REPOSITORY[:TAG]`: the digest names the manifest, the tag is ignored). Every subject is tried; one report; the exit code is the first failure''s'
            cand --bundle 'The Sigstore bundle (*.sigstore.json) to attach'
            cand --oci-layout 'Use this OCI image layout directory instead of a registry'
            cand --attach 'How attestations are attached: decide on evidence (auto), the OCI 1.1 referrers API only, or the sha256-<hex> referrers tag fallback only'
            cand --created 'The `org.opencontainers.image.created` of what is pushed: `now`, or an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit''s time, else none, so the same commit pushes the same digests'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --force 'Attach the bundle even if its statement does not name the image(s)'
            cand --plain-http 'Allow plain HTTP to registries that are not on a loopback address'
            cand --insecure 'Do not verify registries'' TLS certificates'
            cand --redetect 'Forget the remembered attach verdict for the repository and detect again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;discover'= {
            cand --artifact-type 'Only list referrers of this artifactType'
            cand --oci-layout 'Use this OCI image layout directory instead of a registry'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --plain-http 'Allow plain HTTP to registries that are not on a loopback address'
            cand --insecure 'Do not verify registries'' TLS certificates'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;download'= {
            cand -o 'Directory to write the bundles to (created if missing)'
            cand --output 'Directory to write the bundles to (created if missing)'
            cand --bundle-format 'How to write them: one sha256-<hex>.sigstore.json per bundle (named after the bundle blob), or `jsonl`: one file of JSON lines, one bundle per line, named after the subject as `gh attestation download` names it (sha256:<hex>.jsonl; sha256-<hex>.jsonl on Windows)'
            cand --oci-layout 'Use this OCI image layout directory instead of a registry'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --plain-http 'Allow plain HTTP to registries that are not on a loopback address'
            cand --insecure 'Do not verify registries'' TLS certificates'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;inspect'= {
            cand --oci-layout 'Use this OCI image layout directory instead of a registry'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --plain-http 'Allow plain HTTP to registries that are not on a loopback address'
            cand --insecure 'Do not verify registries'' TLS certificates'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;trusted-root'= {
            cand --sigstore 'Print only this instance''s trusted root (default: public good''s, then GitHub''s, one per line)'
            cand --public-good-tuf-url 'The public-good instance''s TUF mirror (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback'
            cand --public-good-tuf-root 'An initial TUF root.json for the public-good mirror, obtained out of band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one)'
            cand --github-tuf-url 'GitHub''s instance''s TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL, else https://tuf-repo.github.com). Plain http only on loopback'
            cand --github-tuf-root 'An initial TUF root.json for GitHub''s mirror, obtained out of band (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one)'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --offline 'Do not refresh trust material through TUF: use the cached copy, else the one built in (with a warning saying which and how old). Also CARGO_ATTEST_OFFLINE=1'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cargo-attest;prune'= {
            cand --oci-layout 'Use this OCI image layout directory instead of a registry'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --yes 'Act: without it, only print what would be done'
            cand --plain-http 'Allow plain HTTP to registries that are not on a loopback address'
            cand --insecure 'Do not verify registries'' TLS certificates'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;migrate'= {
            cand --oci-layout 'Use this OCI image layout directory instead of a registry'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --yes 'Act: without it, only print what would be done'
            cand --plain-http 'Allow plain HTTP to registries that are not on a loopback address'
            cand --insecure 'Do not verify registries'' TLS certificates'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;repair'= {
            cand --oci-layout 'Use this OCI image layout directory instead of a registry'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --yes 'Write the repaired indexes: without it, only print what would be done'
            cand --plain-http 'Allow plain HTTP to registries that are not on a loopback address'
            cand --insecure 'Do not verify registries'' TLS certificates'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;login'= {
            cand -u 'User name (prompted for on a terminal when missing)'
            cand --username 'User name (prompted for on a terminal when missing)'
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand --password-stdin 'Read the password or token from stdin'
            cand --plain-http 'Allow plain HTTP to registries that are not on a loopback address'
            cand --insecure 'Do not verify registries'' TLS certificates'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;logout'= {
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;generate'= {
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
            cand completions 'Write completion scripts for bash, zsh, fish, powershell and elvish'
            cand man 'Write man pages for the command and each subcommand'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cargo-attest;generate;completions'= {
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;generate;man'= {
            cand --format 'Output format: short human text, or JSON on stdout for scripts'
            cand --timeout 'Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9. Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached (CI), else none'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more about each step (repeat for more). Secrets are never printed'
            cand --verbose 'Print more about each step (repeat for more). Secrets are never printed'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cargo-attest;generate;help'= {
            cand completions 'Write completion scripts for bash, zsh, fish, powershell and elvish'
            cand man 'Write man pages for the command and each subcommand'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cargo-attest;generate;help;completions'= {
        }
        &'cargo-attest;generate;help;man'= {
        }
        &'cargo-attest;generate;help;help'= {
        }
        &'cargo-attest;help'= {
            cand verify 'Verify files against a bundle, or the attestations attached to an image'
            cand key 'Manage signing keys in the OS keyring'
            cand package 'Attest the .crate `cargo package` made (target/package/NAME-VERSION.crate)'
            cand push 'Push files as one OCI artifact to a registry or an OCI layout'
            cand attach 'Attach an existing Sigstore bundle to an image or artifact'
            cand discover 'List what is attached to an image or artifact'
            cand download 'Write the Sigstore bundles attached to an image to files, for offline use'
            cand inspect 'Show what a bundle, or each attestation attached to an image, says (unverified)'
            cand trusted-root 'Print a Sigstore instance''s current trusted root, refreshed through TUF (JSON lines)'
            cand prune 'Remove fallback tags, attestations and superseded indexes whose subject is gone'
            cand migrate 'Move fallback-tag referrers to a registry''s referrers API, then drop the tags'
            cand repair 'Fill in fallback-index entries other tools wrote without artifactType or annotations'
            cand login 'Store registry credentials in the OS keyring (checked first)'
            cand logout 'Remove registry credentials from the OS keyring'
            cand generate 'Write shell completions or man pages (for packagers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cargo-attest;help;verify'= {
        }
        &'cargo-attest;help;key'= {
            cand generate 'Create a new signing key in the keyring (or a PEM file with --output)'
            cand import 'Store a PEM private key (PKCS#8, plain or encrypted) in the keyring'
            cand export 'Print a key as PEM: the public key, or with --private the private key'
            cand list 'List the signing keys in the keyring'
            cand delete 'Remove a signing key from the keyring (asks first; --yes off a terminal)'
        }
        &'cargo-attest;help;key;generate'= {
        }
        &'cargo-attest;help;key;import'= {
        }
        &'cargo-attest;help;key;export'= {
        }
        &'cargo-attest;help;key;list'= {
        }
        &'cargo-attest;help;key;delete'= {
        }
        &'cargo-attest;help;package'= {
        }
        &'cargo-attest;help;push'= {
        }
        &'cargo-attest;help;attach'= {
        }
        &'cargo-attest;help;discover'= {
        }
        &'cargo-attest;help;download'= {
        }
        &'cargo-attest;help;inspect'= {
        }
        &'cargo-attest;help;trusted-root'= {
        }
        &'cargo-attest;help;prune'= {
        }
        &'cargo-attest;help;migrate'= {
        }
        &'cargo-attest;help;repair'= {
        }
        &'cargo-attest;help;login'= {
        }
        &'cargo-attest;help;logout'= {
        }
        &'cargo-attest;help;generate'= {
            cand completions 'Write completion scripts for bash, zsh, fish, powershell and elvish'
            cand man 'Write man pages for the command and each subcommand'
        }
        &'cargo-attest;help;generate;completions'= {
        }
        &'cargo-attest;help;generate;man'= {
        }
        &'cargo-attest;help;help'= {
        }
    ]
    $completions[$command]
}
