//! Errors at the edges — tables, point lists, model files, settings — that carry *where* the
//! problem is (line and column, point, key) as data. The message a user reads is made from the
//! same value a test checks.

use crate::i18n::t;
use crate::tr;
use std::fmt;

/// Where in an input a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A CSV table: the line (1-based) and, where one field is at fault, its column (1-based) and
    /// name. No line: the table as a whole.
    Csv {
        /// Line in the text, counting every line from 1.
        line: Option<usize>,
        /// Column (1-based) and its header name.
        column: Option<(usize, String)>,
    },
    /// JSON text that does not parse: line and column as the parser reports them.
    Json {
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
    },
    /// The k-th point (1-based) of a list of points (a link, a model file).
    Point(usize),
    /// A key of a structured input: a model-file key, a setting, a configuration field.
    Key(String),
    /// The input as a whole.
    Whole,
}

/// A rejected input: which input, where in it, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What was being read ("model file", "data", "metric", …), shown first when set.
    pub input: Option<&'static str>,
    /// Where the problem is.
    pub place: Place,
    /// What is wrong, in words.
    pub reason: String,
}

impl Error {
    /// A problem at a CSV line (and column `(index, name)`, 1-based).
    pub fn csv(line: usize, column: Option<(usize, &str)>, reason: impl Into<String>) -> Error {
        Error {
            input: None,
            place: Place::Csv {
                line: Some(line),
                column: column.map(|(c, n)| (c, n.to_string())),
            },
            reason: reason.into(),
        }
    }

    /// A problem with a CSV table as a whole.
    pub fn table(reason: impl Into<String>) -> Error {
        Error {
            input: None,
            place: Place::Csv {
                line: None,
                column: None,
            },
            reason: reason.into(),
        }
    }

    /// A problem with point `k` (1-based).
    pub fn point(k: usize, reason: impl Into<String>) -> Error {
        Error {
            input: None,
            place: Place::Point(k),
            reason: reason.into(),
        }
    }

    /// A problem with a key.
    pub fn key(key: impl Into<String>, reason: impl Into<String>) -> Error {
        Error {
            input: None,
            place: Place::Key(key.into()),
            reason: reason.into(),
        }
    }

    /// A problem with the input as a whole.
    pub fn whole(reason: impl Into<String>) -> Error {
        Error {
            input: None,
            place: Place::Whole,
            reason: reason.into(),
        }
    }

    /// JSON that does not parse, with the parser's line and column.
    pub fn json(e: &serde_json::Error) -> Error {
        Error {
            input: None,
            place: Place::Json {
                line: e.line(),
                column: e.column(),
            },
            reason: e.to_string(),
        }
    }

    /// The same error, said of `input` ("model file", "data", …).
    pub fn of(mut self, input: &'static str) -> Error {
        self.input = Some(input);
        self
    }

    /// The CSV line, if the problem has one.
    pub fn line(&self) -> Option<usize> {
        match &self.place {
            Place::Csv { line, .. } => *line,
            Place::Json { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The column (1-based) of a CSV or JSON problem, if it has one.
    pub fn column(&self) -> Option<usize> {
        match &self.place {
            Place::Csv { column, .. } => column.as_ref().map(|c| c.0),
            Place::Json { column, .. } => Some(*column),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = self.input {
            write!(f, "{}: ", t(&format!("input.{}", i.replace(' ', "_"))))?;
        }
        let r = &self.reason;
        match &self.place {
            Place::Csv {
                line: Some(l),
                column: Some((c, n)),
            } => f.write_str(&tr!(
                "error.csv_cell",
                line = l,
                column = c,
                name = n,
                reason = r
            )),
            Place::Csv {
                line: Some(l),
                column: None,
            } => f.write_str(&tr!("error.csv_line", line = l, reason = r)),
            Place::Csv { line: None, .. } => write!(f, "CSV: {r}"),
            // serde's message already ends in "at line L column C".
            Place::Json { .. } => f.write_str(r),
            Place::Point(k) => f.write_str(&tr!("error.point", k = k, reason = r)),
            Place::Key(k) => write!(f, "\"{k}\" {r}"),
            Place::Whole => f.write_str(r),
        }
    }
}

impl std::error::Error for Error {}

impl From<Error> for String {
    fn from(e: Error) -> String {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_is_made_from_the_place() {
        let e = Error::csv(3, Some((2, "condensate")), "'abc' is not a number");
        assert_eq!(
            e.to_string(),
            "CSV line 3, column 2 (condensate): 'abc' is not a number"
        );
        assert_eq!((e.line(), e.column()), (Some(3), Some(2)));
        assert_eq!(
            Error::key("version", "7 is not supported")
                .of("model file")
                .to_string(),
            "model file: \"version\" 7 is not supported"
        );
        assert_eq!(
            Error::point(2, "mass 1 appears twice").to_string(),
            "point 2: mass 1 appears twice"
        );
        let j = serde_json::from_str::<serde_json::Value>("{\n  x").unwrap_err();
        let e = Error::json(&j);
        assert_eq!((e.line(), e.column()), (Some(2), Some(3)));
    }
}
