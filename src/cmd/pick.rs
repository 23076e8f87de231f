//! The picker of `awsp use` with no profile: a fuzzy-filtered list of the profiles, drawn on
//! the terminal (`/dev/tty`, never stdout, which carries the code to evaluate). Matching is
//! `nucleo-matcher`'s; keys and raw mode are `crossterm`'s. The terminal is restored on every
//! way out: a choice, Esc / Ctrl-C ([`Cancelled`], exit 130), an error, a signal (SIGINT,
//! SIGTERM, SIGHUP, SIGQUIT: restored, then awsp dies of it) and a panic (a hook restores it
//! before the abort).

use anyhow::{Result, anyhow};

use crate::config::{Files, ProfileSet};
use crate::env::{self, process_var};
use crate::resolve::kind_of;

/// The user cancelled the picker (Esc, Ctrl-C, Ctrl-G): `main` exits 130 and says nothing
/// (the message is empty).
use crate::Cancelled;

/// How a row is marked: the active profile and the one `awsp use -` returns to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Active,
    Previous,
    None,
}

impl Mark {
    fn symbol(self) -> char {
        match self {
            Mark::Active => '*',
            Mark::Previous => '-',
            Mark::None => ' ',
        }
    }
}

/// One row of the picker: what a profile is, where and in which account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub kind: &'static str,
    pub region: String,
    pub account: String,
    pub mark: Mark,
}

impl Entry {
    /// The text the query is matched against: every column shown.
    fn haystack(&self) -> String {
        format!(
            "{} {} {} {}",
            self.name, self.kind, self.region, self.account
        )
    }
}

/// The account a profile acts in: `role_arn`'s (`arn:aws:iam::ACCOUNT:role/...`), else
/// `sso_account_id`, else `aws_account_id`; empty when none is known.
fn account_of(profile: &crate::config::Section<'_>) -> String {
    let from_arn = profile
        .get("role_arn")
        .and_then(|arn| arn.split(':').nth(4))
        .filter(|a| !a.is_empty());
    from_arn
        .or_else(|| profile.get("sso_account_id"))
        .or_else(|| profile.get("aws_account_id"))
        .unwrap_or_default()
        .to_string()
}

/// The rows: the active profile first, then the previous one, then the others in name
/// order. Linear in the number of profiles.
pub fn entries(set: &ProfileSet<'_>, active: Option<&str>, previous: Option<&str>) -> Vec<Entry> {
    let mut rows: Vec<Entry> = set
        .profiles()
        .iter()
        .map(|p| {
            let mark = if Some(p.name()) == active {
                Mark::Active
            } else if Some(p.name()) == previous {
                Mark::Previous
            } else {
                Mark::None
            };
            Entry {
                name: p.name().to_string(),
                kind: kind_of(p),
                region: p.get("region").unwrap_or_default().to_string(),
                account: account_of(p),
                mark,
            }
        })
        .collect();
    // Stable: the rest keep their name order.
    rows.sort_by_key(|e| match e.mark {
        Mark::Active => 0,
        Mark::Previous => 1,
        Mark::None => 2,
    });
    rows
}

/// The matches of `query` among `haystacks`, best first (indices; ties keep the rows' order).
/// Several words match in any order, each fuzzily; case is ignored unless a word has a
/// capital.
pub struct Filter {
    matcher: nucleo_matcher::Matcher,
    haystacks: Vec<nucleo_matcher::Utf32String>,
}

impl Filter {
    pub fn new(entries: &[Entry]) -> Filter {
        Filter {
            matcher: nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT),
            haystacks: entries
                .iter()
                .map(|e| nucleo_matcher::Utf32String::from(e.haystack()))
                .collect(),
        }
    }

    pub fn matches(&mut self, query: &str) -> Vec<u32> {
        use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
        let pattern = Pattern::new(
            query,
            CaseMatching::Smart,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        if pattern.atoms.is_empty() {
            return (0..self.haystacks.len() as u32).collect();
        }
        let mut scored: Vec<(u32, u32)> = self
            .haystacks
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let score = pattern.score(h.slice(..), &mut self.matcher)?;
                Some((i as u32, score))
            })
            .collect();
        scored.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
        scored.into_iter().map(|(i, _)| i).collect()
    }
}

/// `awsp use` with no profile: the profile the user picks on the terminal. No terminal is a
/// usage error (exit 2); no profiles is an error before the terminal is touched.
pub fn pick(files: &Files, set: &ProfileSet<'_>) -> Result<String> {
    let tty = imp::terminal()?;
    let active = env::active(&process_var).map(|(name, _)| name);
    let previous = process_var(env::AWSP_PREVIOUS);
    let rows = entries(set, active.as_deref(), previous.as_deref());
    if rows.is_empty() {
        return Err(anyhow!(
            "no profiles to pick from in {} or {}",
            files.config.described(),
            files.credentials.described()
        ));
    }
    imp::run(tty, rows)
}

/// The usage error for `use` without a profile where the picker cannot run.
pub fn usage(message: &str) -> anyhow::Error {
    use clap::CommandFactory;
    let mut cli = crate::cli::Cli::command();
    cli.build();
    let error = match cli.find_subcommand_mut("use") {
        Some(cmd) => cmd.error(clap::error::ErrorKind::MissingRequiredArgument, message),
        None => cli.error(clap::error::ErrorKind::MissingRequiredArgument, message),
    };
    anyhow::Error::new(error)
}

#[cfg(not(unix))]
mod imp {
    use super::*;

    pub struct Tty;

    pub fn terminal() -> Result<Tty> {
        Err(usage(
            "no PROFILE given, and the picker needs a Unix terminal: name the profile",
        ))
    }

    pub fn run(_tty: Tty, _rows: Vec<Entry>) -> Result<String> {
        Err(anyhow!("the picker needs a Unix terminal"))
    }
}

#[cfg(unix)]
mod imp {
    use super::*;

    use std::fs::File;
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    use std::sync::atomic::{AtomicBool, Ordering};

    use crate::signals::{SignalGuard, caught, die_of};
    use std::time::Duration;

    use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
    use crossterm::{cursor, queue, style, terminal};

    /// How often the loop wakes to check for a signal or a closed terminal.
    const TICK: Duration = Duration::from_millis(50);
    /// How long the picker waits for more of a batch of events (a paste, fast typing).
    const BATCH_WAIT: Duration = Duration::from_millis(2);
    /// The longest query: rows are a few dozen characters.
    const MAX_QUERY_BYTES: usize = 256;

    /// Undo what [`Screen::open`] did: cursor shown, line wrap on, the normal screen back.
    const RESTORE: &[u8] = b"\x1b[?25h\x1b[?7h\x1b[?1049l";

    /// The terminal is in the picker's state (read by the panic hook).
    static ACTIVE: AtomicBool = AtomicBool::new(false);

    /// The terminal to draw on, or the usage error when there is none.
    pub fn terminal() -> Result<File> {
        open_tty().ok_or_else(|| usage("no PROFILE given, and there is no terminal to pick one on"))
    }

    pub fn run(tty: File, rows: Vec<Entry>) -> Result<String> {
        let signals = SignalGuard::install(&CAUGHT);
        let chosen = {
            let mut screen = Screen::open(tty)?;
            Picker::new(&rows).run(&mut screen)
        };
        // The screen is restored: now a signal that came may end awsp.
        let signal = caught();
        if signal != 0 {
            die_of(signal);
        }
        drop(signals);
        chosen.map(|i| rows[i].name.clone())
    }

    /// `/dev/tty`, read and write, when this process has a controlling terminal.
    fn open_tty() -> Option<File> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY | libc::O_CLOEXEC)
            .open("/dev/tty")
            .ok()?;
        // SAFETY: a plain call on a valid descriptor.
        (unsafe { libc::isatty(file.as_raw_fd()) } == 1).then_some(file)
    }

    /// The terminal in raw mode on the alternate screen, line wrap off; restored on drop.
    struct Screen {
        tty: File,
    }

    impl Screen {
        fn open(tty: File) -> Result<Screen> {
            install_panic_hook();
            terminal::enable_raw_mode()
                .map_err(|e| anyhow!("could not set up the terminal: {e}"))?;
            ACTIVE.store(true, Ordering::SeqCst);
            let mut screen = Screen { tty };
            let mut buf = Vec::new();
            queue!(
                buf,
                terminal::EnterAlternateScreen,
                terminal::DisableLineWrap,
                cursor::Hide
            )?;
            screen.write(&buf)?;
            Ok(screen)
        }

        fn write(&mut self, bytes: &[u8]) -> Result<()> {
            self.tty
                .write_all(bytes)
                .and_then(|()| self.tty.flush())
                .map_err(|e| anyhow!("could not write to the terminal: {e}"))
        }

        /// The terminal hung up (closed window, ended ssh session).
        fn hung_up(&self) -> bool {
            let mut fds = libc::pollfd {
                fd: self.tty.as_raw_fd(),
                events: 0,
                revents: 0,
            };
            // SAFETY: poll on one valid descriptor, no wait.
            let n = unsafe { libc::poll(&mut fds, 1, 0) };
            n > 0 && fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
        }
    }

    impl Drop for Screen {
        fn drop(&mut self) {
            let _ = self.tty.write_all(RESTORE).and_then(|()| self.tty.flush());
            let _ = terminal::disable_raw_mode();
            ACTIVE.store(false, Ordering::SeqCst);
        }
    }

    /// A panic aborts a release build without running `Drop`: the hook restores the terminal
    /// first, then the previous hook prints the message on the normal screen.
    fn install_panic_hook() {
        static INSTALLED: AtomicBool = AtomicBool::new(false);
        if INSTALLED.swap(true, Ordering::SeqCst) {
            return;
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if ACTIVE.swap(false, Ordering::SeqCst) {
                if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
                    let _ = tty.write_all(RESTORE);
                }
                let _ = terminal::disable_raw_mode();
            }
            previous(info);
        }));
    }

    /// Raw mode turns Ctrl-C into a key, but a signal can still come from elsewhere (`kill`,
    /// a closed terminal). While the picker runs these are only recorded; the loop then
    /// restores the terminal and awsp dies of the signal.
    const CAUGHT: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

    /// What a key does.
    enum Action {
        Type(char),
        Erase,
        EraseWord,
        Clear,
        Up,
        Down,
        PageUp,
        PageDown,
        First,
        Last,
        Choose,
        Cancel,
        Nothing,
    }

    fn action(key: KeyEvent) -> Action {
        if key.kind == KeyEventKind::Release {
            return Action::Nothing;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => Action::Cancel,
            KeyCode::Char('c' | 'g') if ctrl => Action::Cancel,
            KeyCode::Enter => Action::Choose,
            KeyCode::Char('m' | 'j') if ctrl => Action::Choose,
            KeyCode::Up => Action::Up,
            KeyCode::Char('p' | 'k') if ctrl => Action::Up,
            KeyCode::Down => Action::Down,
            KeyCode::Char('n') if ctrl => Action::Down,
            KeyCode::PageUp => Action::PageUp,
            KeyCode::PageDown => Action::PageDown,
            KeyCode::Home => Action::First,
            KeyCode::End => Action::Last,
            KeyCode::Backspace => Action::Erase,
            KeyCode::Char('h') if ctrl => Action::Erase,
            KeyCode::Char('w') if ctrl => Action::EraseWord,
            KeyCode::Char('u') if ctrl => Action::Clear,
            KeyCode::Char(c)
                if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) && !c.is_control() =>
            {
                Action::Type(c)
            }
            _ => Action::Nothing,
        }
    }

    /// The picker's state: the query, the matching rows, the selection and the scroll.
    struct Picker<'r> {
        rows: &'r [Entry],
        filter: Filter,
        query: String,
        matches: Vec<u32>,
        selected: usize,
        top: usize,
        widths: [usize; 3],
    }

    /// The widest a column gets (longer cells are cut with `~`).
    const MAX_WIDTHS: [usize; 3] = [48, 18, 16];

    impl<'r> Picker<'r> {
        fn new(rows: &'r [Entry]) -> Picker<'r> {
            let mut widths = [0usize; 3];
            for row in rows {
                let cells = [
                    row.name.chars().count(),
                    row.kind.len(),
                    cell_width(&row.region),
                ];
                for (w, c) in widths.iter_mut().zip(cells) {
                    *w = (*w).max(c);
                }
            }
            for (w, max) in widths.iter_mut().zip(MAX_WIDTHS) {
                *w = (*w).min(max);
            }
            let mut filter = Filter::new(rows);
            let matches = filter.matches("");
            Picker {
                rows,
                filter,
                query: String::new(),
                matches,
                selected: 0,
                top: 0,
                widths,
            }
        }

        /// Index into `rows` of the chosen profile, or [`Cancelled`].
        fn run(&mut self, screen: &mut Screen) -> Result<usize> {
            let (mut cols, mut lines) = terminal::size().unwrap_or((80, 24));
            self.draw(screen, cols, lines)?;
            loop {
                let signal = caught();
                if signal != 0 {
                    // `run` dies of it once the terminal is restored.
                    return Err(anyhow!("interrupted by signal {signal}"));
                }
                if !event::poll(TICK)? {
                    if screen.hung_up() {
                        return Err(anyhow!("the terminal was closed"));
                    }
                    continue;
                }
                // Take every pending event before filtering and drawing again: a paste or
                // fast typing costs one filter and one frame.
                let query_before = self.query.clone();
                loop {
                    match event::read()? {
                        Event::Key(key) => match action(key) {
                            Action::Choose => {
                                // What was typed in the same batch counts.
                                if self.query != query_before {
                                    self.matches = self.filter.matches(&self.query);
                                    self.selected = 0;
                                }
                                if let Some(&i) = self.matches.get(self.selected) {
                                    return Ok(i as usize);
                                }
                            }
                            Action::Cancel => return Err(Cancelled(String::new()).into()),
                            other => self.apply(other, lines),
                        },
                        Event::Resize(c, l) => (cols, lines) = (c, l),
                        _ => {}
                    }
                    // A short wait, not zero: crossterm's poll sees events it has buffered
                    // only while time is left.
                    if !event::poll(BATCH_WAIT)? {
                        break;
                    }
                }
                if self.query != query_before {
                    self.matches = self.filter.matches(&self.query);
                    self.selected = 0;
                    self.top = 0;
                }
                self.draw(screen, cols, lines)?;
            }
        }

        fn apply(&mut self, action: Action, lines: u16) {
            let page = usize::from(lines).saturating_sub(2).max(1);
            let last = self.matches.len().saturating_sub(1);
            match action {
                // Longer than any row can match: a paste cannot grow the work without end.
                Action::Type(c) if self.query.len() < MAX_QUERY_BYTES => self.query.push(c),
                Action::Type(_) => {}
                Action::Erase => {
                    self.query.pop();
                }
                Action::EraseWord => {
                    let kept = self.query.trim_end().rfind(' ').map_or(0, |i| i + 1);
                    self.query.truncate(kept);
                }
                Action::Clear => self.query.clear(),
                Action::Up => self.selected = self.selected.saturating_sub(1),
                Action::Down => self.selected = (self.selected + 1).min(last),
                Action::PageUp => self.selected = self.selected.saturating_sub(page),
                Action::PageDown => self.selected = (self.selected + page).min(last),
                Action::First => self.selected = 0,
                Action::Last => self.selected = last,
                Action::Choose | Action::Cancel | Action::Nothing => {}
            }
        }

        /// One frame, written in one go: the query line, the count and help line, then as
        /// many rows as fit, the selected one in reverse video.
        fn draw(&mut self, screen: &mut Screen, cols: u16, lines: u16) -> Result<()> {
            let width = usize::from(cols).max(1);
            let visible = usize::from(lines).saturating_sub(2).max(1);
            if self.selected < self.top {
                self.top = self.selected;
            } else if self.selected >= self.top + visible {
                self.top = self.selected + 1 - visible;
            }
            let mut buf = Vec::with_capacity(4096);
            let query = crate::terminal::escaped(&self.query);
            let prompt = "awsp use> ";
            queue!(
                buf,
                cursor::Hide,
                cursor::MoveTo(0, 0),
                style::Print(cut(&format!("{prompt}{query}"), width)),
                terminal::Clear(terminal::ClearType::UntilNewLine),
                cursor::MoveTo(0, 1),
                style::Print(cut(
                    &format!(
                        "  {}/{}  Enter: switch  Esc: cancel  * active  - previous",
                        self.matches.len(),
                        self.rows.len()
                    ),
                    width
                )),
                terminal::Clear(terminal::ClearType::UntilNewLine),
            )?;
            for line in 0..visible {
                let y = u16::try_from(line + 2).unwrap_or(u16::MAX);
                queue!(buf, cursor::MoveTo(0, y))?;
                let at = self.top + line;
                if let Some(&i) = self.matches.get(at) {
                    let text = cut(
                        &self.row_text(&self.rows[i as usize], at == self.selected),
                        width,
                    );
                    if at == self.selected {
                        queue!(
                            buf,
                            style::SetAttribute(style::Attribute::Reverse),
                            style::Print(text),
                            terminal::Clear(terminal::ClearType::UntilNewLine),
                            style::SetAttribute(style::Attribute::Reset)
                        )?;
                    } else {
                        queue!(buf, style::Print(text))?;
                    }
                }
                queue!(buf, terminal::Clear(terminal::ClearType::UntilNewLine))?;
            }
            let x = prompt.len() + query.chars().count();
            queue!(
                buf,
                cursor::MoveTo(u16::try_from(x.min(width - 1)).unwrap_or(0), 0),
                cursor::Show
            )?;
            screen.write(&buf)
        }

        fn row_text(&self, row: &Entry, selected: bool) -> String {
            let [name_w, kind_w, region_w] = self.widths;
            let pointer = if selected { '>' } else { ' ' };
            let region = crate::terminal::escaped(&row.region);
            let account = crate::terminal::escaped(&row.account);
            format!(
                "{pointer}{} {}  {}  {}  {}",
                row.mark.symbol(),
                pad(&row.name, name_w),
                pad(row.kind, kind_w),
                pad(&region, region_w),
                cut(&account, MAX_WIDTHS[2]),
            )
            .trim_end()
            .to_string()
        }
    }

    /// Width in columns of an escaped cell, counted in characters.
    fn cell_width(text: &str) -> usize {
        crate::terminal::escaped(text).chars().count()
    }

    /// `text` cut to `width` characters, the last one `~` when cut.
    fn cut(text: &str, width: usize) -> String {
        if text.chars().count() <= width {
            return text.to_string();
        }
        let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
        out.push('~');
        out
    }

    /// `text` cut and padded to exactly `width` characters.
    fn pad(text: &str, width: usize) -> String {
        let text = cut(text, width);
        let n = text.chars().count();
        format!("{text}{}", " ".repeat(width - n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_of(config: &str) -> Files {
        Files::from_text(Some(config), None)
    }

    const CONFIG: &str = "\
[profile dev-alice]
region = eu-west-1
aws_account_id = 111111111111
[profile dev-bob]
role_arn = arn:aws:iam::222222222222:role/dev
source_profile = dev-alice
region = us-east-1
[profile prod-admin]
sso_account_id = 333333333333
sso_role_name = Admin
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
[profile zed]
";

    #[test]
    fn rows_show_kind_region_account_with_active_and_previous_first() {
        let files = set_of(CONFIG);
        let set = files.parse().unwrap();
        let rows = entries(&set, Some("prod-admin"), Some("zed"));
        let summary: Vec<(&str, &str, &str, &str, Mark)> = rows
            .iter()
            .map(|e| {
                (
                    e.name.as_str(),
                    e.kind,
                    e.region.as_str(),
                    e.account.as_str(),
                    e.mark,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("prod-admin", "sso", "", "333333333333", Mark::Active),
                ("zed", "config_only", "", "", Mark::Previous),
                (
                    "dev-alice",
                    "config_only",
                    "eu-west-1",
                    "111111111111",
                    Mark::None
                ),
                (
                    "dev-bob",
                    "assume_role",
                    "us-east-1",
                    "222222222222",
                    Mark::None
                ),
            ]
        );
    }

    #[test]
    fn words_match_fuzzily_in_any_order() {
        let files = set_of(CONFIG);
        let set = files.parse().unwrap();
        let rows = entries(&set, None, None);
        let mut filter = Filter::new(&rows);
        let names = |filter: &mut Filter, q: &str| -> Vec<String> {
            filter
                .matches(q)
                .into_iter()
                .map(|i| rows[i as usize].name.clone())
                .collect()
        };
        assert_eq!(names(&mut filter, "").len(), 4);
        assert_eq!(names(&mut filter, "bob dev"), ["dev-bob"]);
        assert_eq!(names(&mut filter, "dv bb"), ["dev-bob"]);
        assert_eq!(names(&mut filter, "alice   dev "), ["dev-alice"]);
        // The other columns match too: the account, the kind.
        assert_eq!(names(&mut filter, "3333"), ["prod-admin"]);
        assert_eq!(names(&mut filter, "assume"), ["dev-bob"]);
        assert!(names(&mut filter, "nothing-like-this").is_empty());
    }
}
