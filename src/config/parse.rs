//! The literal parse of one AWS profile file: sections and properties with their line numbers.
//!
//! This follows the AWS SDKs' parser (and their shared conformance vectors) line for line:
//! nothing is validated here beyond syntax; section names and property keys are judged in
//! `model.rs`. Parsing borrows from the file text and allocates only for multi-line values
//! and upper-case keys, so listing 10,000 profiles stays cheap.

use std::borrow::Cow;
use std::fmt;

/// The only characters the profile format treats as whitespace for trimming.
pub const WHITESPACE: &[char] = &[' ', '\t'];
const COMMENT: &[char] = &['#', ';'];

/// A syntax error at a line of the file (1-based). The messages are the SDKs' own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: &'static str,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

/// One `[...]` section as written: `header` is the text between the brackets, comments removed.
#[derive(Debug, Clone)]
pub struct RawSection<'a> {
    pub header: &'a str,
    pub line: usize,
    /// Range into [`RawFile::props`].
    pub props: std::ops::Range<usize>,
}

/// One `key = value` property. Keys are lower-cased; a value continued over several lines holds
/// the lines joined by `\n`, as the SDKs store it.
#[derive(Debug, Clone)]
pub struct RawProp<'a> {
    pub key: Cow<'a, str>,
    pub value: Cow<'a, str>,
    pub line: usize,
}

/// The whole file: sections in file order, properties flat in file order.
#[derive(Debug, Default)]
pub struct RawFile<'a> {
    pub sections: Vec<RawSection<'a>>,
    pub props: Vec<RawProp<'a>>,
}

struct Current {
    /// The property that continuation lines extend, if any (index into `props`).
    property: Option<usize>,
    is_subproperty: bool,
}

/// Parse `text` (a BOM, if any, already removed). Duplicate sections and keys are kept as
/// written; merging is the model's job.
pub fn parse(text: &str) -> Result<RawFile<'_>, ParseError> {
    let mut file = RawFile::default();
    let mut current: Option<Current> = None;
    for (idx, line) in text.lines().enumerate() {
        let line_no = idx + 1;
        let err = |message| ParseError {
            line: line_no,
            message,
        };
        if line.trim_matches(WHITESPACE).is_empty() || line.starts_with(COMMENT) {
            continue;
        }
        if line.starts_with('[') {
            let prepared = prepare_line(line, false);
            let header = prepared
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .ok_or(err("Profile definition must end with ']'"))?;
            close_section(&mut file);
            let start = file.props.len();
            file.sections.push(RawSection {
                header,
                line: line_no,
                props: start..start,
            });
            current = Some(Current {
                property: None,
                is_subproperty: false,
            });
        } else if line.starts_with(WHITESPACE) {
            let state = current
                .as_ref()
                .ok_or(err("Expected a profile definition"))?;
            let prop_idx = state
                .property
                .ok_or(err("Expected a property definition, found continuation"))?;
            if state.is_subproperty {
                parse_property_line(line).map_err(|e| err(e.message(true)))?;
            }
            let continued = line.trim_matches(WHITESPACE);
            let value = file.props[prop_idx].value.to_mut();
            value.push('\n');
            value.push_str(continued);
        } else {
            let state = current
                .as_mut()
                .ok_or(err("Expected a profile definition"))?;
            let (key, value) = parse_property_line(line).map_err(|e| err(e.message(false)))?;
            state.property = Some(file.props.len());
            state.is_subproperty = value.is_empty();
            let key = if key.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(key.to_ascii_lowercase())
            } else {
                Cow::Borrowed(key)
            };
            file.props.push(RawProp {
                key,
                value: Cow::Borrowed(value),
                line: line_no,
            });
        }
    }
    close_section(&mut file);
    Ok(file)
}

fn close_section(file: &mut RawFile<'_>) {
    let end = file.props.len();
    if let Some(last) = file.sections.last_mut() {
        last.props.end = end;
    }
}

enum PropertyError {
    NoEquals,
    NoName,
}

impl PropertyError {
    fn message(&self, sub: bool) -> &'static str {
        match (self, sub) {
            (PropertyError::NoEquals, false) => "Expected an '=' sign defining a property",
            (PropertyError::NoEquals, true) => "Expected an '=' sign defining a sub-property",
            (PropertyError::NoName, false) => "Property did not have a name",
            (PropertyError::NoName, true) => "Sub-property did not have a name",
        }
    }
}

fn parse_property_line(line: &str) -> Result<(&str, &str), PropertyError> {
    let line = prepare_line(line, true);
    let (k, v) = line.split_once('=').ok_or(PropertyError::NoEquals)?;
    let k = k.trim_matches(WHITESPACE);
    if k.is_empty() {
        return Err(PropertyError::NoName);
    }
    Ok((k, v.trim_matches(WHITESPACE)))
}

/// Trim the line and cut a trailing comment. In a property a comment starts only after
/// whitespace (`value # note`, but `value#x` is all value); on a section line it starts anywhere.
fn prepare_line(line: &str, comments_need_whitespace: bool) -> &str {
    let line = line.trim_matches(WHITESPACE);
    let mut prev_whitespace = false;
    let mut cut = line.len();
    for (idx, ch) in line.char_indices() {
        if COMMENT.contains(&ch) && (prev_whitespace || !comments_need_whitespace) {
            cut = idx;
            break;
        }
        prev_whitespace = ch.is_whitespace();
    }
    line[..cut].trim_matches(WHITESPACE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(text: &str) -> Vec<(String, String, usize)> {
        let file = parse(text).expect("parses");
        file.props
            .iter()
            .map(|p| (p.key.to_string(), p.value.to_string(), p.line))
            .collect()
    }

    #[test]
    fn value_comment_needs_whitespace_before_it() {
        assert_eq!(
            props("[a]\nk = zz1  # Indicates this is a temporary session\nj = v#x\nm = v;y ; c"),
            vec![
                ("k".into(), "zz1".into(), 2),
                ("j".into(), "v#x".into(), 3),
                ("m".into(), "v;y".into(), 4)
            ]
        );
    }

    #[test]
    fn section_comment_may_touch_the_bracket() {
        let file = parse("[profile a]#c\n[b];c\n[c] # c").expect("parses");
        let headers: Vec<_> = file.sections.iter().map(|s| s.header).collect();
        assert_eq!(headers, ["profile a", "b", "c"]);
    }

    #[test]
    fn continuation_and_subproperties_keep_lines() {
        assert_eq!(
            props("[a]\ns3 =\n  max = 1 # c\n\n\tx = y\nk = a\n b"),
            vec![
                ("s3".into(), "\nmax = 1 # c\nx = y".into(), 2),
                ("k".into(), "a\nb".into(), 6)
            ]
        );
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse("[a]\nk = v\n\nnope").unwrap_err();
        assert_eq!(err.line, 4);
        assert_eq!(err.message, "Expected an '=' sign defining a property");
        assert_eq!(parse("[a\n").unwrap_err().line, 1);
        assert_eq!(
            parse("x=1").unwrap_err().message,
            "Expected a profile definition"
        );
        assert_eq!(
            parse("[a]\ns =\n bad").unwrap_err().message,
            "Expected an '=' sign defining a sub-property"
        );
    }

    #[test]
    fn crlf_tabs_and_keys_are_normalised() {
        assert_eq!(
            parse("[a]\r\n\tk = 1\r\n").unwrap_err().message,
            "Expected a property definition, found continuation"
        );
        assert_eq!(
            props("[a]\r\nKey\t=\tValue \t\r\n"),
            vec![("key".into(), "Value".into(), 2)]
        );
    }
}
