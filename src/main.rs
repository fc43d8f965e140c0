use std::process::ExitCode;

use cargo_attest::settings::{Env, Settings};
use cargo_attest::{cli, commands, logging};

fn main() -> ExitCode {
    let parsed = match cli::parse(std::env::args_os()) {
        Ok(parsed) => parsed,
        // clap prints help/version to stdout (exit 0) and usage errors to
        // stderr (exit 2, our usage code).
        Err(e) => e.exit(),
    };
    let global = &parsed.cli.global;
    let (format, quiet) = (global.format, global.quiet);
    logging::init(global.verbose, quiet);
    let outcome = Settings::resolve(&parsed.cli, parsed.recorded_command, Env::from_process())
        .and_then(|settings| commands::run(parsed.cli, &settings));
    ExitCode::from(commands::finish(outcome, format, quiet))
}
