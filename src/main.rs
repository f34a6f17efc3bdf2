//! The `asynclings` command: parse the command line, run it, map the result to an exit code
//! (0 all good, 1 steps pending or failing, 2 the harness itself could not work).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let config = asynclings::cli::Cli::parse().into_config();
    let mut stdout = std::io::stdout().lock();
    match asynclings::execute(config, &mut stdout) {
        Ok(asynclings::Status::AllPass) => ExitCode::SUCCESS,
        Ok(asynclings::Status::Pending) => ExitCode::from(1),
        // Output piped into `head` and the like: the reader left, nothing is wrong.
        Err(asynclings::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}
