//! The literal parse of one AWS profile file: sections and properties with their line numbers.
//!
//! This follows the AWS SDKs' parser (and their shared conformance vectors) line for line:
//! nothing is validated here beyond syntax; section names and property keys are judged in
//! `model.rs`.
//!
//! Two passes, for speed on large files: [`parse`] checks every line and records only the
//! sections (header, line, and the text of their body); [`RawSection::properties`] reads one
//! section's properties when they are needed. Listing 10,000 profiles thus builds no property
//! at all, and showing one reads only its own few lines again. Both passes run the same state
//! machine, so they cannot disagree; a body holds no header, and the state resets at every
//! header, so reading a body alone gives what reading the whole file gives.
//!
//! The characters the syntax cares about (space, tab, `#`, `;`, `=`, `[`, `\n`) are ASCII, so
//! lines are scanned as bytes: such a byte is always that whole character in UTF-8.

use std::borrow::Cow;

/// The only characters the profile format treats as whitespace for trimming.
pub const WHITESPACE: &[char] = &[' ', '\t'];

/// A syntax error at a line of the file (1-based). The messages are the SDKs' own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: &'static str,
}

/// One `[...]` section as written: `header` is the text between the brackets, comments removed.
#[derive(Debug, Clone)]
pub struct RawSection<'a> {
    pub header: &'a str,
    pub line: usize,
    /// The lines after the header line, up to the next header (already checked).
    body: &'a str,
}

/// One `key = value` property. Keys are lower-cased; a value continued over several lines holds
/// the lines joined by `\n`, as the SDKs store it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawProp<'a> {
    pub key: Cow<'a, str>,
    pub value: Cow<'a, str>,
    pub line: usize,
}

/// The whole file: its sections in file order.
#[derive(Debug, Default)]
pub struct RawFile<'a> {
    pub sections: Vec<RawSection<'a>>,
}

enum Event<'a> {
    /// A header line; `start` and `next` are the byte offsets of that line and the next one.
    Section {
        header: &'a str,
        line: usize,
        start: usize,
        next: usize,
    },
    Property {
        key: &'a str,
        value: &'a str,
        line: usize,
    },
    Continuation(&'a str),
}

/// Parse `text` (a BOM, if any, already removed). Duplicate sections and keys are kept as
/// written; merging is the model's job.
pub fn parse(text: &str) -> Result<RawFile<'_>, ParseError> {
    let mut sections: Vec<RawSection<'_>> = Vec::new();
    let mut body_start = 0;
    scan::<false>(text, 1, false, |event| {
        if let Event::Section {
            header,
            line,
            start,
            next,
        } = event
        {
            if let Some(last) = sections.last_mut() {
                last.body = &text[body_start..start];
            }
            sections.push(RawSection {
                header,
                line,
                body: "",
            });
            body_start = next;
        }
    })?;
    if let Some(last) = sections.last_mut() {
        last.body = &text[body_start..];
    }
    Ok(RawFile { sections })
}

impl<'a> RawSection<'a> {
    /// The section's properties in file order.
    pub fn properties(&self) -> Vec<RawProp<'a>> {
        let mut props: Vec<RawProp<'a>> = Vec::new();
        // The body was checked by `parse`, so this cannot fail; an error would only end early.
        let _ = scan::<true>(self.body, self.line + 1, true, |event| match event {
            Event::Property { key, value, line } => {
                let key = if key.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(key.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(key)
                };
                props.push(RawProp {
                    key,
                    value: Cow::Borrowed(value),
                    line,
                });
            }
            Event::Continuation(more) => {
                if let Some(last) = props.last_mut() {
                    let value = last.value.to_mut();
                    value.push('\n');
                    value.push_str(more);
                }
            }
            Event::Section { .. } => {}
        });
        props
    }
}

/// The parser's state machine over the lines of `text`, numbered from `first_line`. With
/// `PROPERTIES` false it only checks property lines (an `=` before any comment, a key) and
/// reports no properties: that is all the first pass needs, and most of its work.
fn scan<'a, const PROPERTIES: bool>(
    text: &'a str,
    first_line: usize,
    in_section: bool,
    mut on: impl FnMut(Event<'a>),
) -> Result<(), ParseError> {
    let mut in_section = in_section;
    // Whether continuation lines have a property to extend, and whether it is a sub-property
    // block (`s3 =` with an empty value).
    let mut property = false;
    let mut is_subproperty = false;
    let mut line_no = first_line;
    let mut start = 0;
    let mut newlines = memchr::memchr_iter(b'\n', text.as_bytes());
    while start < text.len() {
        // As `str::lines`: a line ends at `\n`, and a `\r` just before it is dropped.
        let (line, next) = match newlines.next() {
            Some(end) => {
                let raw = &text[start..end];
                (raw.strip_suffix('\r').unwrap_or(raw), end + 1)
            }
            None => (&text[start..], text.len()),
        };
        let err = |message| ParseError {
            line: line_no,
            message,
        };
        let first = line.as_bytes().first().copied();
        if matches!(first, Some(b'#' | b';')) || line.bytes().all(is_whitespace) {
            // A blank or comment line.
        } else if first == Some(b'[') {
            let header = prepare_header(line)
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .ok_or(err("Profile definition must end with ']'"))?;
            on(Event::Section {
                header,
                line: line_no,
                start,
                next,
            });
            in_section = true;
            property = false;
            is_subproperty = false;
        } else if first.is_some_and(is_whitespace) {
            if !in_section {
                return Err(err("Expected a profile definition"));
            }
            if !property {
                return Err(err("Expected a property definition, found continuation"));
            }
            if is_subproperty && !PROPERTIES {
                check_property_line(line).map_err(|e| err(e.message(true)))?;
            }
            if PROPERTIES {
                on(Event::Continuation(trim(line)));
            }
        } else {
            if !in_section {
                return Err(err("Expected a profile definition"));
            }
            property = true;
            if PROPERTIES {
                let (key, value) = parse_property_line(line).map_err(|e| err(e.message(false)))?;
                is_subproperty = value.is_empty();
                on(Event::Property {
                    key,
                    value,
                    line: line_no,
                });
            } else {
                is_subproperty = check_property_line(line).map_err(|e| err(e.message(false)))?;
            }
        }
        line_no += 1;
        start = next;
    }
    Ok(())
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

/// What [`parse_property_line`] checks, without cutting out the value: an `=` comes before
/// any comment, and the key is not empty. Returns whether the value is empty (a sub-property
/// block follows).
fn check_property_line(line: &str) -> Result<bool, PropertyError> {
    let line = trim(line);
    let bytes = line.as_bytes();
    let mut from = 0;
    let eq = loop {
        let at =
            memchr::memchr3(b'=', b'#', b';', &bytes[from..]).ok_or(PropertyError::NoEquals)?;
        let idx = from + at;
        if bytes[idx] == b'=' {
            break idx;
        }
        if preceded_by_whitespace(line, idx) {
            // The rest of the line is a comment, with no `=` before it.
            return Err(PropertyError::NoEquals);
        }
        from = idx + 1;
    };
    if trim(&line[..eq]).is_empty() {
        return Err(PropertyError::NoName);
    }
    // The line is trimmed, so the value is empty when only blanks follow the `=`, or blanks
    // and then a comment (a `#` right after the `=` is part of the value).
    let after = &line[eq + 1..];
    let value = after.trim_start_matches([' ', '\t']);
    Ok(value.is_empty()
        || (value.len() < after.len() && matches!(value.as_bytes()[0], b'#' | b';')))
}

/// A property line as the SDKs read it: `(key as written, value)`, or `None` when it is not one.
pub(crate) fn property_of(line: &str) -> Option<(&str, &str)> {
    parse_property_line(line).ok()
}

/// `key = value`: trim, cut a trailing comment, split at the first `=` and trim both sides.
fn parse_property_line(line: &str) -> Result<(&str, &str), PropertyError> {
    let line = prepare_property(line);
    let eq = memchr::memchr(b'=', line.as_bytes()).ok_or(PropertyError::NoEquals)?;
    let k = trim(&line[..eq]);
    if k.is_empty() {
        return Err(PropertyError::NoName);
    }
    Ok((k, trim(&line[eq + 1..])))
}

/// A property line, trimmed and cut before its comment: in a value a comment starts only
/// after whitespace (`value # note`, but `value#x` is all value).
pub(crate) fn prepare_property(line: &str) -> &str {
    let line = trim(line);
    let mut from = 0;
    while let Some(at) = memchr::memchr2(b'#', b';', &line.as_bytes()[from..]) {
        let idx = from + at;
        if preceded_by_whitespace(line, idx) {
            return trim(&line[..idx]);
        }
        from = idx + 1;
    }
    line
}

/// Whether the character before byte `i` of `line` is whitespace (any Unicode whitespace, as
/// the SDKs' `char::is_whitespace`).
pub(crate) fn preceded_by_whitespace(line: &str, i: usize) -> bool {
    match line.as_bytes()[..i].last() {
        None => false,
        Some(&b) if b.is_ascii() => matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'),
        Some(_) => line[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace),
    }
}

/// A section line, trimmed, cut at the first `#` or `;` (on a header a comment may touch the
/// bracket), and trimmed again.
pub(crate) fn prepare_header(line: &str) -> &str {
    let line = trim(line);
    match memchr::memchr2(b'#', b';', line.as_bytes()) {
        Some(idx) => trim(&line[..idx]),
        None => line,
    }
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
        file.sections
            .iter()
            .flat_map(|s| s.properties())
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
        assert_eq!(
            props("[a]\nk = v\u{3000}# ideographic space counts"),
            vec![("k".into(), "v\u{3000}".into(), 2)]
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
            props("[a]\ns3 =\n  max = 1 # c\n\n\tx = y\nk = a\n b\n[b]\r\nz = 1\r\n  more\r\n"),
            vec![
                ("s3".into(), "\nmax = 1 # c\nx = y".into(), 2),
                ("k".into(), "a\nb".into(), 6),
                ("z".into(), "1\nmore".into(), 9)
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

    /// The SDKs' parser written plainly (`str::lines`, `trim_matches`, `char_indices`), as a
    /// reference for the two-pass byte-level parser above.
    mod reference {
        use super::super::WHITESPACE;

        type Section = (String, usize, Vec<(String, String, usize)>);

        fn prepare(line: &str, need_ws: bool) -> &str {
            let line = line.trim_matches(WHITESPACE);
            let mut prev_ws = false;
            let mut cut = line.len();
            for (idx, ch) in line.char_indices() {
                if (ch == '#' || ch == ';') && (prev_ws || !need_ws) {
                    cut = idx;
                    break;
                }
                prev_ws = ch.is_whitespace();
            }
            line[..cut].trim_matches(WHITESPACE)
        }

        fn property(line: &str, sub: bool) -> Result<(String, String), &'static str> {
            let line = prepare(line, true);
            let Some((k, v)) = line.split_once('=') else {
                return Err(if sub {
                    "Expected an '=' sign defining a sub-property"
                } else {
                    "Expected an '=' sign defining a property"
                });
            };
            let k = k.trim_matches(WHITESPACE);
            if k.is_empty() {
                return Err(if sub {
                    "Sub-property did not have a name"
                } else {
                    "Property did not have a name"
                });
            }
            Ok((
                k.to_ascii_lowercase(),
                v.trim_matches(WHITESPACE).to_string(),
            ))
        }

        pub fn parse(text: &str) -> Result<Vec<Section>, (usize, &'static str)> {
            let mut sections: Vec<Section> = Vec::new();
            // (in a section, has a property, is a sub-property block)
            let mut state: Option<(bool, bool)> = None;
            for (idx, line) in text.lines().enumerate() {
                let n = idx + 1;
                if line.trim_matches(WHITESPACE).is_empty() || line.starts_with(['#', ';']) {
                    continue;
                }
                if line.starts_with('[') {
                    let header = prepare(line, false)
                        .strip_prefix('[')
                        .and_then(|r| r.strip_suffix(']'))
                        .ok_or((n, "Profile definition must end with ']'"))?;
                    sections.push((header.to_string(), n, Vec::new()));
                    state = Some((false, false));
                } else if line.starts_with(WHITESPACE) {
                    let (has_prop, sub) = state.ok_or((n, "Expected a profile definition"))?;
                    if !has_prop {
                        return Err((n, "Expected a property definition, found continuation"));
                    }
                    if sub {
                        property(line, true).map_err(|m| (n, m))?;
                    }
                    let props = &mut sections.last_mut().expect("in a section").2;
                    let last = props.last_mut().expect("a property");
                    last.1.push('\n');
                    last.1.push_str(line.trim_matches(WHITESPACE));
                } else {
                    state.ok_or((n, "Expected a profile definition"))?;
                    let (k, v) = property(line, false).map_err(|m| (n, m))?;
                    state = Some((true, v.is_empty()));
                    sections.last_mut().expect("in a section").2.push((k, v, n));
                }
            }
            Ok(sections)
        }
    }

    type Parsed = Result<Vec<(String, usize, Vec<(String, String, usize)>)>, (usize, &'static str)>;

    fn two_pass(text: &str) -> Parsed {
        let file = parse(text).map_err(|e| (e.line, e.message))?;
        Ok(file
            .sections
            .iter()
            .map(|s| {
                let props = s
                    .properties()
                    .into_iter()
                    .map(|p| (p.key.into_owned(), p.value.into_owned(), p.line))
                    .collect();
                (s.header.to_string(), s.line, props)
            })
            .collect())
    }

    #[test]
    fn edge_cases_agree_with_the_reference() {
        for text in [
            "[a]\nk = v\r",
            "[a]\nk = v\r\r\n",
            "[a]\r\nk = v\u{3000};c\r\n",
            "[a]\nk = v\u{85}#c",
            "[a]\nk=\n\u{b}x = 1",
            "\r",
            "[a]\n\r\n k = 1",
        ] {
            assert_eq!(two_pass(text), reference::parse(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 10_000, failure_persistence: None, ..Default::default()
        })]

        /// Files made of the fragments the syntax turns on give the same sections, properties,
        /// lines and errors as the plain reference.
        #[test]
        fn agrees_with_the_plain_reference(
            lines in proptest::collection::vec(
                (
                    // How the line starts decides what it is: header, property, continuation…
                    proptest::sample::select(vec![
                        "[profile a]", "[b]", "[ profile\tc ]", "k = ", "Key=", "s3 =", " ",
                        "\t", "", "#", "; ", "x",
                    ]),
                    proptest::collection::vec(
                        proptest::sample::select(vec![
                            "[", "]", "default", " ", "\t", "#", ";", "=", "a", "x y", "\r",
                            "\u{e9}", "\u{3000}", "\u{a0}", "\u{85}", "\u{b}", "k = v", "v#x",
                            "; c", " #c",
                        ]),
                        0..5,
                    ),
                ),
                0..12,
            ),
            crlf in proptest::bool::ANY,
            final_newline in proptest::bool::ANY,
        ) {
            let sep = if crlf { "\r\n" } else { "\n" };
            let mut text = lines
                .iter()
                .map(|(start, rest)| format!("{start}{}", rest.concat()))
                .collect::<Vec<_>>()
                .join(sep);
            if final_newline {
                text.push_str(sep);
            }
            proptest::prop_assert_eq!(two_pass(&text), reference::parse(&text), "{:?}", text);
        }
    }
}
