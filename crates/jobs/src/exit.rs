//! Exit codes, and the marker that tells an input error from an internal one.

use std::process::ExitCode;

/// The run finished and every row was used.
pub const SUCCESS: u8 = 0;
/// The run finished, but some rows were rejected (they are in the rejected files, with reasons).
pub const SUCCESS_WITH_REJECTED: u8 = 1;
/// The run stopped on bad input: arguments, configuration, or a file that cannot be read.
pub const INPUT_ERROR: u8 = 2;
/// The run stopped on a failure of citygrid or its environment (a bug, a full disk).
pub const INTERNAL_ERROR: u8 = 3;

/// The exit-code table printed by `citygrid --help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  success, but some rows were rejected (see the *.rejected.* files)
  2  input error: bad arguments, configuration or input file
  3  internal error";

/// Wraps an error caused by the user's input, so that `main` exits with [`INPUT_ERROR`].
#[derive(Debug)]
pub struct InputError(pub anyhow::Error);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&message(&self.0))
    }
}

/// An error and its causes on one line, `outer: inner: …`, leaving out a cause whose text the
/// line already holds: library errors put their source's text in their own message (so that
/// they read whole on their own) and also expose it as their source.
pub fn message(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

impl std::error::Error for InputError {}

/// Marks an error as the input's fault.
pub fn input(error: impl Into<anyhow::Error>) -> anyhow::Error {
    anyhow::Error::new(InputError(error.into()))
}

/// How a command ended when it did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was used.
    Clean,
    /// Some rows were rejected.
    Rejected,
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> ExitCode {
        match self {
            Self::Clean => ExitCode::from(SUCCESS),
            Self::Rejected => ExitCode::from(SUCCESS_WITH_REJECTED),
        }
    }
}

/// The exit code for an error: [`INPUT_ERROR`] if it is marked as the input's, else
/// [`INTERNAL_ERROR`].
pub fn code_for(error: &anyhow::Error) -> ExitCode {
    if error.chain().any(|e| e.is::<InputError>()) {
        ExitCode::from(INPUT_ERROR)
    } else {
        ExitCode::from(INTERNAL_ERROR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let error = grid_core::Error::Io {
            path: "cases.csv".into(),
            source: io,
        };
        let error = input(anyhow::Error::new(error).context("stage validate failed"));
        assert_eq!(
            message(&error),
            "stage validate failed: cases.csv: No such file"
        );
        let plain = anyhow::anyhow!("inner").context("outer");
        assert_eq!(message(&plain), "outer: inner");
    }
}
