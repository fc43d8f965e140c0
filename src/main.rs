use std::process::ExitCode;

use cargo_attest::cli::{self, Format};

fn main() -> ExitCode {
    let args = cli::normalize_args(std::env::args_os());
    let cli = match cli::parse(args) {
        Ok(cli) => cli,
        // clap prints help/version to stdout (exit 0) and usage errors to
        // stderr (exit 2, our usage code).
        Err(e) => e.exit(),
    };
    let format = cli.global.format;
    match cargo_attest::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = err.exit_code();
            eprintln!("error: {err}");
            // One JSON document per run: a command that printed its report
            // before failing keeps it; the error is on stderr.
            if format == Format::Json && !cargo_attest::commands::json_emitted() {
                let doc = serde_json::json!({
                    "error": { "exitCode": code.code(), "message": err.to_string() }
                });
                println!("{doc:#}");
            }
            ExitCode::from(code.code())
        }
    }
}
