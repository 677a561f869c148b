//! FindFirstFile masks: the translation kernelbase applies to a caller's mask, and
//! matching as `FsRtlIsNameInExpression` does (case-insensitive, with the DOS wildcards).
//!
//! Translation of the caller's mask (so that `*.*`, `*.` and `?` keep their MS-DOS meaning):
//! - `?` becomes DOS_QM `>`: one character, or nothing at a dot or the end of the name;
//! - `.` followed by `?`, `*` or the end of the mask becomes DOS_DOT `"`: a dot, or
//!   nothing at the end of the name;
//! - `*` followed by `.` becomes DOS_STAR `<`: anything up to the name's last dot.
//!
//! So `*.*` matches every name (also those without a dot), `*.` matches names without a
//! dot, `foo.*` matches `foo` and `foo.txt` but not `foobar`. The DOS wildcards given
//! directly by the caller keep their meaning. Without wildcards, trailing dots and spaces
//! go (as path normalisation removes them) and the mask names one file.

use crate::path::fold_char;

const DOS_STAR: char = '<';
const DOS_QM: char = '>';
const DOS_DOT: char = '"';

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok {
    /// A literal character, already upper-cased.
    Lit(char),
    /// `*`: zero or more characters.
    Star,
    /// `<`: zero or more characters, never past the name's last dot.
    DosStar,
    /// `>`: one character, or nothing at a dot or the end.
    DosQm,
    /// `"`: a dot, or nothing at the end.
    DosDot,
}

/// A compiled FindFirstFile mask.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mask {
    toks: Vec<Tok>,
    all: bool,
    /// The literal name when the mask has no wildcard.
    literal: Option<String>,
}

/// Whether `s` holds any wildcard (`*`, `?` or a DOS wildcard).
pub fn has_wildcards(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '*' | '?' | DOS_STAR | DOS_QM | DOS_DOT))
}

impl Mask {
    /// Compiles the last component of a FindFirstFile spec.
    pub fn new(mask: &str) -> Self {
        if !has_wildcards(mask) {
            let name = mask.trim_end_matches(['.', ' ']).to_string();
            let toks = name.chars().map(|c| Tok::Lit(fold_char(c))).collect();
            return Mask { toks, all: false, literal: Some(name) };
        }
        let chars: Vec<char> = mask.chars().collect();
        let mut toks = Vec::with_capacity(chars.len());
        for (i, &c) in chars.iter().enumerate() {
            let next = chars.get(i + 1).copied();
            toks.push(match c {
                '?' => Tok::DosQm,
                '*' if next == Some('.') => Tok::DosStar,
                '*' => Tok::Star,
                '.' if matches!(next, None | Some('?' | '*')) => Tok::DosDot,
                DOS_STAR => Tok::DosStar,
                DOS_QM => Tok::DosQm,
                DOS_DOT => Tok::DosDot,
                c => Tok::Lit(fold_char(c)),
            });
        }
        // `*`, `*.*` (and runs of them) match every name.
        let all = toks.iter().all(|t| *t == Tok::Star) || toks == [Tok::DosStar, Tok::DosDot, Tok::Star];
        Mask { toks, all, literal: None }
    }

    /// The file name when the mask has no wildcard (trailing dots and spaces removed).
    pub fn literal(&self) -> Option<&str> {
        self.literal.as_deref()
    }

    /// Whether the mask matches every name.
    pub fn matches_all(&self) -> bool {
        self.all
    }

    /// Whether `name` matches, case-insensitively.
    pub fn matches(&self, name: &str) -> bool {
        if self.all {
            return true;
        }
        let name: Vec<char> = name.chars().map(fold_char).collect();
        if let Some(lit) = &self.literal {
            return lit.chars().count() == name.len() && self.toks.iter().zip(&name).all(|(t, c)| *t == Tok::Lit(*c));
        }
        matches(&self.toks, &name)
    }
}

/// FsRtlIsNameInExpression over folded characters: a set-of-states simulation
/// (linear in |mask| × |name|, no backtracking blow-up).
fn matches(toks: &[Tok], name: &[char]) -> bool {
    let last_dot = name.iter().rposition(|&c| c == '.');
    // states[p]: the mask prefix toks[..p] matched the name prefix consumed so far.
    let mut states = vec![false; toks.len() + 1];
    states[0] = true;
    close(toks, &mut states, name, 0, last_dot);
    for i in 0..name.len() {
        let c = name[i];
        let mut next = vec![false; toks.len() + 1];
        for p in 0..toks.len() {
            if !states[p] {
                continue;
            }
            match toks[p] {
                Tok::Lit(l) if l == c => next[p + 1] = true,
                Tok::Lit(_) => {}
                Tok::Star => next[p] = true,
                // May eat any character before the last dot (or anything without one).
                Tok::DosStar => {
                    if last_dot.is_none_or(|d| i < d) {
                        next[p] = true;
                    }
                }
                Tok::DosQm => {
                    if c != '.' {
                        next[p + 1] = true;
                    }
                }
                Tok::DosDot => {
                    if c == '.' {
                        next[p + 1] = true;
                    }
                }
            }
        }
        states = next;
        close(toks, &mut states, name, i + 1, last_dot);
        if !states.iter().any(|&s| s) {
            return false;
        }
    }
    states[toks.len()]
}

/// Adds the states reachable without consuming a character at name position `i`.
fn close(toks: &[Tok], states: &mut [bool], name: &[char], i: usize, _last_dot: Option<usize>) {
    let at_end = i == name.len();
    let at_dot = name.get(i) == Some(&'.');
    for p in 0..toks.len() {
        if !states[p] {
            continue;
        }
        let skip = match toks[p] {
            Tok::Star | Tok::DosStar => true,
            Tok::DosQm => at_end || at_dot,
            Tok::DosDot => at_end,
            Tok::Lit(_) => false,
        };
        if skip {
            states[p + 1] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_mask_table() {
        // (mask, name, expected)
        let table: &[(&str, &str, bool)] = &[
            ("*", "abc", true),
            ("*", ".", true),
            ("*", "..", true),
            ("*.*", "abc", true),
            ("*.*", "a.b.c", true),
            ("*.*", ".", true),
            ("*.*", "..", true),
            ("*.*", ".hidden", true),
            ("*.", "abc", true),
            ("*.", "abc.txt", false),
            ("*.", "a.b", false),
            ("*.txt", "a.txt", true),
            ("*.txt", "A.TXT", true),
            ("*.txt", "a.b.txt", true),
            ("*.txt", "a.txtx", false),
            ("*.txt", "atxt", false),
            ("*.txt", ".txt", true),
            ("*.TxT", "x.tXt", true),
            ("foo.*", "foo", true),
            ("foo.*", "foo.txt", true),
            ("foo.*", "foo.a.b", true),
            ("foo.*", "foobar", false),
            ("a?", "a", true),
            ("a?", "ab", true),
            ("a?", "abc", false),
            ("a??", "ab", true),
            ("?", "ab", false),
            ("a?.txt", "a.txt", true),
            ("a?.txt", "ab.txt", true),
            ("a?.txt", "abc.txt", false),
            ("???", "ab", true),
            ("???", "abcd", false),
            ("a*b", "ab", true),
            ("a*b", "axxb", true),
            ("a*b", "axxbc", false),
            ("a*", "A", true),
            ("*a*", "bab", true),
            ("*a*", "bbb", false),
            ("*.?", "a.b", true),
            ("*.?", "a", true),
            ("*.?", "a.bc", false),
            ("file.txt", "FILE.TXT", true),
            ("file.txt.", "file.txt", true),
            ("file.txt  ", "file.txt", true),
            ("file", "file.txt", false),
            // DOS wildcards given directly.
            ("<.txt", "a.b.txt", true),
            ("<", "a.b", false),
            ("<", "ab", true),
            ("a>", "a", true),
            ("a\"", "a", true),
            ("a\"", "a.", true),
            ("a\"", "ab", false),
            // Case folding beyond ASCII.
            ("é*", "ÉCOLE", true),
            ("straße", "STRAßE", true),
        ];
        for &(mask, name, want) in table {
            assert_eq!(Mask::new(mask).matches(name), want, "mask {mask:?} on {name:?}");
        }
    }

    #[test]
    fn literal_and_all() {
        assert_eq!(Mask::new("x.TXT..").literal(), Some("x.TXT"));
        assert!(Mask::new("*.*").matches_all());
        assert!(Mask::new("**").matches_all());
        assert!(!Mask::new("*.txt").matches_all());
        assert_eq!(Mask::new("*").literal(), None);
    }

    #[test]
    fn long_patterns_do_not_blow_up() {
        let mask = Mask::new(&"*a".repeat(40));
        assert!(!mask.matches(&"a".repeat(39)));
        assert!(mask.matches(&"a".repeat(200)));
    }
}
