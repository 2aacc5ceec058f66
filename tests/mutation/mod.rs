//! Deterministic mutations of a scenario file, for the fuzzer in
//! `tests/fuzz_scenarios.rs`: each case number and seed give the same
//! mutated bytes on every machine (the generator is SplitMix64, written out
//! here so that no crate update can change a case).

use std::ops::Range;

/// SplitMix64 (Steele, Lea & Flood 2014), seeded from (seed, case).
pub struct Rng(u64);

/// SplitMix64's output function: a bijective mix of a 64-bit word.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// The generator of one case (streams of different cases do not overlap
    /// by a shift, as `seed + case` would).
    pub fn new(seed: u64, case: u64) -> Rng {
        Rng(mix(seed) ^ mix(case.wrapping_add(0x9E37_79B9_7F4A_7C15)))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in 0..n (n > 0); the modulo bias is irrelevant here.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A kind of mutation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Remove one line.
    DeleteLine,
    /// Repeat one line.
    DuplicateLine,
    /// XOR one to four bytes with random bits.
    ByteFlip,
    /// A number becomes 0.
    Zero,
    /// A number becomes −1.
    MinusOne,
    /// A number becomes ±1e308 (or the largest double).
    HugeFloat,
    /// A number becomes a subnormal (1e-320, 5e-324).
    Subnormal,
    /// A number becomes nan.
    Nan,
    /// A number becomes ±inf.
    Inf,
    /// A number becomes an integer beyond i64 (or at its edges).
    HugeInt,
    /// A string, key or expression 10^3 to 10^6 characters long.
    LongString,
    /// A value nested 10 to 100,000 levels deep (parentheses, unary minus,
    /// function calls, sums, TOML arrays and inline tables).
    DeepNesting,
    /// Bytes that are not UTF-8 inserted or overwritten.
    InvalidUtf8,
    /// The file cut short at a random byte.
    Truncate,
    /// A value replaced by one of another TOML type (bool, string, array,
    /// table, date).
    Retype,
}

/// Every kind, in the order cases cycle through them.
pub const KINDS: [Kind; 15] = [
    Kind::DeleteLine,
    Kind::DuplicateLine,
    Kind::ByteFlip,
    Kind::Zero,
    Kind::MinusOne,
    Kind::HugeFloat,
    Kind::Subnormal,
    Kind::Nan,
    Kind::Inf,
    Kind::HugeInt,
    Kind::LongString,
    Kind::DeepNesting,
    Kind::InvalidUtf8,
    Kind::Truncate,
    Kind::Retype,
];

impl Kind {
    /// The name in the fuzzer's table.
    pub fn name(self) -> &'static str {
        match self {
            Kind::DeleteLine => "delete line",
            Kind::DuplicateLine => "duplicate line",
            Kind::ByteFlip => "byte flip",
            Kind::Zero => "number -> 0",
            Kind::MinusOne => "number -> -1",
            Kind::HugeFloat => "number -> ±1e308",
            Kind::Subnormal => "number -> 1e-320",
            Kind::Nan => "number -> nan",
            Kind::Inf => "number -> ±inf",
            Kind::HugeInt => "number -> huge integer",
            Kind::LongString => "long string",
            Kind::DeepNesting => "deep nesting",
            Kind::InvalidUtf8 => "invalid UTF-8",
            Kind::Truncate => "truncate",
            Kind::Retype => "retype value",
        }
    }
}

/// Byte ranges of the lines of `text` (without their '\n').
fn lines(text: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.iter().enumerate() {
        if *b == b'\n' {
            out.push(start..i);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
}

/// Byte ranges of number literals, with a sign when one stands in front
/// of the number (not after a name or a closing bracket, where it is an
/// operator). Numbers inside strings and comments count too: expressions
/// are strings, and a mutation may go anywhere.
fn numbers(text: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !text[i].is_ascii_digit() || (i > 0 && is_word(text[i - 1])) {
            i += 1;
            continue;
        }
        let mut start = i;
        if i > 0
            && (text[i - 1] == b'-' || text[i - 1] == b'+')
            && (i < 2 || !(is_word(text[i - 2]) || text[i - 2] == b')'))
        {
            start = i - 1;
        }
        let mut j = i;
        while j < text.len() && (text[j].is_ascii_digit() || text[j] == b'_' || text[j] == b'.') {
            j += 1;
        }
        if j < text.len() && (text[j] == b'e' || text[j] == b'E') {
            let mut k = j + 1;
            if k < text.len() && (text[k] == b'+' || text[k] == b'-') {
                k += 1;
            }
            if k < text.len() && text[k].is_ascii_digit() {
                j = k;
                while j < text.len() && text[j].is_ascii_digit() {
                    j += 1;
                }
            }
        }
        out.push(start..j);
        i = j;
    }
    out
}

/// Byte ranges of one-line basic strings, quotes included, outside comments.
fn strings(text: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for line in lines(text) {
        let mut i = line.start;
        while i < line.end {
            match text[i] {
                b'#' => break,
                b'"' => {
                    let mut j = i + 1;
                    while j < line.end && text[j] != b'"' {
                        j += if text[j] == b'\\' { 2 } else { 1 };
                    }
                    if j >= line.end {
                        break;
                    }
                    out.push(i..j + 1);
                    i = j + 1;
                }
                _ => i += 1,
            }
        }
    }
    out
}

/// `text` with `range` replaced by `with`.
fn splice(text: &[u8], range: Range<usize>, with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + with.len());
    out.extend_from_slice(&text[..range.start]);
    out.extend_from_slice(with);
    out.extend_from_slice(&text[range.end..]);
    out
}

/// A value to replace: a number, or a string (quotes included).
fn value_token(text: &[u8], rng: &mut Rng) -> Option<Range<usize>> {
    let (nums, strs) = (numbers(text), strings(text));
    match (nums.is_empty(), strs.is_empty()) {
        (true, true) => None,
        (false, true) => Some(rng.pick(&nums).clone()),
        (true, false) => Some(rng.pick(&strs).clone()),
        (false, false) => Some(if rng.below(2) == 0 {
            rng.pick(&nums).clone()
        } else {
            rng.pick(&strs).clone()
        }),
    }
}

/// The inside of a token: a string's content without its quotes, a number as is.
fn inner(text: &[u8], token: &Range<usize>) -> String {
    let bytes = &text[token.clone()];
    let bytes = if bytes.first() == Some(&b'"') {
        &bytes[1..bytes.len() - 1]
    } else {
        bytes
    };
    String::from_utf8_lossy(bytes).into_owned()
}

fn replace_number(text: &[u8], rng: &mut Rng, choices: &[&str]) -> Vec<u8> {
    let nums = numbers(text);
    if nums.is_empty() {
        return text.to_vec();
    }
    let token = rng.pick(&nums).clone();
    let with = *rng.pick(choices);
    splice(text, token, with.as_bytes())
}

fn long_string(text: &[u8], rng: &mut Rng) -> Vec<u8> {
    let n = *rng.pick(&[1_000usize, 10_000, 100_000, 1_000_000]);
    let flavour = rng.below(4);
    if flavour == 0 {
        // A long key on a line of its own.
        let all = lines(text);
        let at = if all.is_empty() { 0 } else { rng.pick(&all).start };
        let key = "k".repeat(n);
        return splice(text, at..at, format!("{key} = 1\n").as_bytes());
    }
    let strs = strings(text);
    if strs.is_empty() {
        return text.to_vec();
    }
    let token = rng.pick(&strs).clone();
    let content = match flavour {
        1 => "x".repeat(n),
        // Multi-byte characters: a cut at a byte count would split one.
        2 => "é".repeat(n / 2),
        _ => {
            // A long expression: the original plus n/2 terms.
            let original = inner(text, &token);
            format!("{original}{}", "+0".repeat(n / 2))
        }
    };
    splice(text, token, format!("\"{content}\"").as_bytes())
}

fn deep_nesting(text: &[u8], rng: &mut Rng) -> Vec<u8> {
    let Some(token) = value_token(text, rng) else {
        return text.to_vec();
    };
    let d = *rng.pick(&[10usize, 100, 199, 200, 201, 1_000, 10_000, 100_000]);
    let core = inner(text, &token);
    let nested = match rng.below(7) {
        0 => format!("\"{}{core}{}\"", "(".repeat(d), ")".repeat(d)),
        1 => format!("\"{}{core}\"", "-".repeat(d)),
        2 => format!("\"{}{core}\"", "- ".repeat(d)),
        3 => format!("\"{}{core}{}\"", "abs(".repeat(d), ")".repeat(d)),
        4 => format!("\"{core}{}\"", format!(" + {core}").repeat(d)),
        5 => format!("{}{core}{}", "[".repeat(d), "]".repeat(d)),
        _ => format!("{}{core}{}", "{ a = ".repeat(d), " }".repeat(d)),
    };
    splice(text, token, nested.as_bytes())
}

/// Byte sequences that are not UTF-8: a lone continuation byte, an
/// overlong '/', a UTF-16 surrogate, a truncated three-byte sequence,
/// bytes that never occur, a code point above U+10FFFF.
const NOT_UTF8: [&[u8]; 7] = [
    &[0x80],
    &[0xC0, 0xAF],
    &[0xED, 0xA0, 0x80],
    &[0xE2, 0x82],
    &[0xFF],
    &[0xFE, 0xFE],
    &[0xF4, 0x90, 0x80, 0x80],
];

/// Values of every other TOML type.
const OTHER_TYPES: [&str; 9] = [
    "true",
    "\"text\"",
    "'literal'",
    "[]",
    "[1, 2]",
    "{}",
    "{ x = 1 }",
    "1979-05-27T07:32:00Z",
    "\"\"",
];

/// `text` mutated once by `kind`, with random choices from `rng`.
pub fn mutate(text: &[u8], kind: Kind, rng: &mut Rng) -> Vec<u8> {
    let all = lines(text);
    match kind {
        Kind::DeleteLine | Kind::DuplicateLine => {
            if all.is_empty() {
                return text.to_vec();
            }
            let line = rng.pick(&all).clone();
            let end = (line.end + 1).min(text.len());
            if kind == Kind::DeleteLine {
                splice(text, line.start..end, b"")
            } else {
                let mut copy = text[line.start..end].to_vec();
                if copy.last() != Some(&b'\n') {
                    copy.insert(0, b'\n');
                }
                splice(text, end..end, &copy)
            }
        }
        Kind::ByteFlip => {
            let mut out = text.to_vec();
            if out.is_empty() {
                return out;
            }
            for _ in 0..=rng.below(4) {
                let i = rng.below(out.len());
                out[i] ^= (rng.below(255) + 1) as u8;
            }
            out
        }
        Kind::Zero => replace_number(text, rng, &["0", "0.0", "-0.0"]),
        Kind::MinusOne => replace_number(text, rng, &["-1", "-1.0"]),
        Kind::HugeFloat => replace_number(text, rng, &["1e308", "-1e308", "1.7976931348623157e308"]),
        Kind::Subnormal => replace_number(text, rng, &["1e-320", "-1e-320", "5e-324"]),
        Kind::Nan => replace_number(text, rng, &["nan", "-nan", "+nan"]),
        Kind::Inf => replace_number(text, rng, &["inf", "-inf", "+inf"]),
        Kind::HugeInt => replace_number(
            text,
            rng,
            &[
                "9223372036854775807",
                "-9223372036854775808",
                "9223372036854775808",
                "18446744073709551615",
                "340282366920938463463374607431768211456",
                "99999999999999999999999999999999999999999999999999",
            ],
        ),
        Kind::LongString => long_string(text, rng),
        Kind::DeepNesting => deep_nesting(text, rng),
        Kind::InvalidUtf8 => {
            let bad = *rng.pick(&NOT_UTF8);
            let at = rng.below(text.len() + 1);
            if rng.below(2) == 0 || at == text.len() {
                splice(text, at..at, bad)
            } else {
                splice(text, at..(at + bad.len()).min(text.len()), bad)
            }
        }
        Kind::Truncate => text[..rng.below(text.len() + 1)].to_vec(),
        Kind::Retype => match value_token(text, rng) {
            Some(token) => splice(text, token, rng.pick(&OTHER_TYPES).as_bytes()),
            None => text.to_vec(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_are_found() {
        let text = b"a = 1.5e3 # note 7\nb = \"x - 2\" \nc = -4\nd = e2";
        let nums: Vec<&[u8]> = numbers(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(nums, [&b"1.5e3"[..], b"7", b"2", b"-4"]);
        let strs: Vec<&[u8]> = strings(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(strs, [&b"\"x - 2\""[..]]);
    }
}
