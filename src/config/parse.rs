//! The literal parse of one AWS profile file: sections and properties with their line numbers.
//!
//! This follows the AWS SDKs' parser (and their shared conformance vectors) line for line:
//! nothing is validated here beyond syntax; section names and property keys are judged in
//! `model.rs`. Parsing borrows from the file text and allocates only for multi-line values
//! and upper-case keys, so listing 10,000 profiles stays cheap. The characters the syntax
//! cares about (space, tab, `#`, `;`, `=`, `[`) are ASCII, so lines are scanned as bytes: a byte
//! that equals one of them is always that whole character in UTF-8 (bench/run.sh measures it).

use std::borrow::Cow;
use std::fmt;

/// The only characters the profile format treats as whitespace for trimming.
pub const WHITESPACE: &[char] = &[' ', '\t'];

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
    for (idx, line) in Lines(text).enumerate() {
        let line_no = idx + 1;
        let err = |message| ParseError {
            line: line_no,
            message,
        };
        let first = line.as_bytes().first().copied();
        if matches!(first, Some(b'#' | b';')) || line.bytes().all(is_whitespace) {
            continue;
        }
        if first == Some(b'[') {
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
        } else if first.is_some_and(is_whitespace) {
            let state = current
                .as_ref()
                .ok_or(err("Expected a profile definition"))?;
            let prop_idx = state
                .property
                .ok_or(err("Expected a property definition, found continuation"))?;
            if state.is_subproperty {
                parse_property_line(line).map_err(|e| err(e.message(true)))?;
            }
            let continued = trim(line);
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
    let eq = find(line.as_bytes(), b'=', b'=').ok_or(PropertyError::NoEquals)?;
    let k = trim(&line[..eq]);
    if k.is_empty() {
        return Err(PropertyError::NoName);
    }
    Ok((k, trim(&line[eq + 1..])))
}

/// Trim the line and cut a trailing comment. In a property a comment starts only after
/// whitespace (`value # note`, but `value#x` is all value); on a section line it starts anywhere.
/// "Whitespace" before a comment is any Unicode whitespace, as the SDKs' `char::is_whitespace`.
fn prepare_line(line: &str, comments_need_whitespace: bool) -> &str {
    let line = trim(line);
    let mut from = 0;
    while let Some(at) = find(&line.as_bytes()[from..], b'#', b';') {
        let idx = from + at;
        if !comments_need_whitespace
            || line[..idx]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace)
        {
            return trim(&line[..idx]);
        }
        from = idx + 1;
    }
    line
}

/// `str::lines`: split at `\n`, and drop a `\r` before it.
struct Lines<'a>(&'a str);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.0.is_empty() {
            return None;
        }
        let (line, rest) = match find(self.0.as_bytes(), b'\n', b'\n') {
            Some(end) => {
                let line = &self.0[..end];
                (line.strip_suffix('\r').unwrap_or(line), &self.0[end + 1..])
            }
            None => (self.0, ""),
        };
        self.0 = rest;
        Some(line)
    }
}

/// The index of the first byte that is `a` or `b`, looked for eight bytes at a time: the
/// parse is mostly this search, for line ends, `=` and comments.
pub(crate) fn find(haystack: &[u8], a: u8, b: u8) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte of `word` that equals `byte`. Borrows may mark bytes after the
    // first match too, so only the lowest mark counts.
    let matches = |word: u64, byte: u8| {
        let x = word ^ (ONES * u64::from(byte));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let mut chunks = haystack.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let found = matches(word, a) | matches(word, b);
        if found != 0 {
            return Some(offset + found.trailing_zeros() as usize / 8);
        }
        offset += 8;
    }
    let rest = chunks.remainder();
    rest.iter()
        .position(|&x| x == a || x == b)
        .map(|i| offset + i)
}

/// Whether `b` is one of [`WHITESPACE`].
fn is_whitespace(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `s.trim_matches(WHITESPACE)`, on bytes.
pub(crate) fn trim(s: &str) -> &str {
    let bytes = s.as_bytes();
    let Some(start) = bytes.iter().position(|&b| !is_whitespace(b)) else {
        return "";
    };
    let end = bytes
        .iter()
        .rposition(|&b| !is_whitespace(b))
        .map_or(start, |i| i + 1);
    &s[start..end]
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
