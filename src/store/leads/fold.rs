//! The search index's notion of "contains", for leads not in it yet.
//!
//! The trigram index matches a term when the term, case-folded, is a
//! substring of the lead's text, case-folded, with SQLite's own folding
//! table (FTS5's `sqlite3Fts5UnicodeFold`, diacritics kept), which differs
//! from Rust's `to_lowercase` outside ASCII. The table is copied here so a
//! lead checked by its text gives the answer the index would.

/// Ranges of code points that fold: (first, flags, length). Bit 0 of flags
/// set: only every second code point from the first folds. flags >> 1
/// indexes [`OFFSETS`]: the folded code point is (c + offset) & 0xFFFF.
#[rustfmt::skip]
const RANGES: [(u16, u8, u8); 163] = [
    (65, 14, 26), (181, 64, 1), (192, 14, 23), (216, 14, 7), (256, 1, 48), (306, 1, 6), (313, 1, 16),
    (330, 1, 46), (376, 116, 1), (377, 1, 6), (383, 104, 1), (385, 50, 1), (386, 1, 4), (390, 44, 1),
    (391, 0, 1), (393, 42, 2), (395, 0, 1), (398, 32, 1), (399, 38, 1), (400, 40, 1), (401, 0, 1),
    (403, 42, 1), (404, 46, 1), (406, 52, 1), (407, 48, 1), (408, 0, 1), (412, 52, 1), (413, 54, 1),
    (415, 56, 1), (416, 1, 6), (422, 60, 1), (423, 0, 1), (425, 60, 1), (428, 0, 1), (430, 60, 1),
    (431, 0, 1), (433, 58, 2), (435, 1, 4), (439, 62, 1), (440, 0, 1), (444, 0, 1), (452, 2, 1), (453, 0, 1),
    (455, 2, 1), (456, 0, 1), (458, 2, 1), (459, 1, 18), (478, 1, 18), (497, 2, 1), (498, 1, 4),
    (502, 122, 1), (503, 134, 1), (504, 1, 40), (544, 110, 1), (546, 1, 18), (570, 70, 1), (571, 0, 1),
    (573, 108, 1), (574, 68, 1), (577, 0, 1), (579, 106, 1), (580, 28, 1), (581, 30, 1), (582, 1, 10),
    (837, 36, 1), (880, 1, 4), (886, 0, 1), (902, 18, 1), (904, 16, 3), (908, 26, 1), (910, 24, 2),
    (913, 14, 17), (931, 14, 9), (962, 0, 1), (975, 4, 1), (976, 140, 1), (977, 142, 1), (981, 146, 1),
    (982, 144, 1), (984, 1, 24), (1008, 136, 1), (1009, 138, 1), (1012, 130, 1), (1013, 128, 1),
    (1015, 0, 1), (1017, 152, 1), (1018, 0, 1), (1021, 110, 3), (1024, 34, 16), (1040, 14, 32),
    (1120, 1, 34), (1162, 1, 54), (1216, 6, 1), (1217, 1, 14), (1232, 1, 88), (1329, 22, 38), (4256, 66, 38),
    (4295, 66, 1), (4301, 66, 1), (7680, 1, 150), (7835, 132, 1), (7838, 96, 1), (7840, 1, 96),
    (7944, 150, 8), (7960, 150, 6), (7976, 150, 8), (7992, 150, 8), (8008, 150, 6), (8025, 151, 8),
    (8040, 150, 8), (8072, 150, 8), (8088, 150, 8), (8104, 150, 8), (8120, 150, 2), (8122, 126, 2),
    (8124, 148, 1), (8126, 100, 1), (8136, 124, 4), (8140, 148, 1), (8152, 150, 2), (8154, 120, 2),
    (8168, 150, 2), (8170, 118, 2), (8172, 152, 1), (8184, 112, 2), (8186, 114, 2), (8188, 148, 1),
    (8486, 98, 1), (8490, 92, 1), (8491, 94, 1), (8498, 12, 1), (8544, 8, 16), (8579, 0, 1), (9398, 10, 26),
    (11264, 22, 47), (11360, 0, 1), (11362, 88, 1), (11363, 102, 1), (11364, 90, 1), (11367, 1, 6),
    (11373, 84, 1), (11374, 86, 1), (11375, 80, 1), (11376, 82, 1), (11378, 0, 1), (11381, 0, 1),
    (11390, 78, 2), (11392, 1, 100), (11499, 1, 4), (11506, 0, 1), (42560, 1, 46), (42624, 1, 24),
    (42786, 1, 14), (42802, 1, 62), (42873, 1, 4), (42877, 76, 1), (42878, 1, 10), (42891, 0, 1),
    (42893, 74, 1), (42896, 1, 4), (42912, 1, 10), (42922, 72, 1), (65313, 14, 26),
];

#[rustfmt::skip]
const OFFSETS: [u16; 77] = [
    1, 2, 8, 15, 16, 26, 28, 32, 37, 38, 40, 48, 63, 64, 69, 71, 79, 80, 116, 202, 203, 205, 206, 207, 209,
    210, 211, 213, 214, 217, 218, 219, 775, 7264, 10792, 10795, 23228, 23256, 30204, 54721, 54753, 54754,
    54756, 54787, 54793, 54809, 57153, 57274, 57921, 58019, 58363, 61722, 65268, 65341, 65373, 65406, 65408,
    65410, 65415, 65424, 65436, 65439, 65450, 65462, 65472, 65476, 65478, 65480, 65482, 65488, 65506, 65511,
    65514, 65521, 65527, 65528, 65529,
];

/// One code point folded as the trigram tokenizer folds it.
fn fold_char(ch: char) -> char {
    let c = u32::from(ch);
    let folded = if c < 128 {
        u32::from(ch.to_ascii_lowercase())
    } else if c < 65536 {
        // SQLite reads U+FFFE and U+FFFF as U+FFFD.
        if c >= 0xFFFE {
            return '\u{FFFD}';
        }
        let i = RANGES.partition_point(|r| u32::from(r.0) <= c) - 1;
        let (first, flags, len) = RANGES[i];
        let (first, flags) = (u32::from(first), u32::from(flags));
        if c < first + u32::from(len) && (1 & flags & (first ^ c)) == 0 {
            (c + u32::from(OFFSETS[(flags >> 1) as usize])) & 0xFFFF
        } else {
            c
        }
    } else if (66560..66600).contains(&c) {
        c + 40
    } else {
        c
    };
    char::from_u32(folded).unwrap_or(ch)
}

/// `text` folded, for [`contains`].
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// Whether the index would match `folded_term` (already [`fold`]ed) in `text`.
pub fn contains(text: &str, folded_term: &str) -> bool {
    fold(text).contains(folded_term)
}

/// [`contains`] over the parts of a text joined by single spaces, folded
/// into `buf` (reused from one text to the next, so a walk over many leads
/// allocates once).
fn parts_contain<'a>(buf: &mut String, parts: impl IntoIterator<Item = &'a str>, folded_term: &str) -> bool {
    buf.clear();
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            buf.push(' ');
        }
        if part.is_ascii() {
            // Most names, phones and emails: a byte-wise lowercase copy.
            let start = buf.len();
            buf.push_str(part);
            buf[start..].make_ascii_lowercase();
        } else {
            buf.extend(part.chars().map(fold_char));
        }
    }
    buf.contains(folded_term)
}

/// [`parts_contain`] without copying the usual case: a term without a space
/// lies inside one part (folding maps each character to one character), so
/// an ASCII part is searched in place in any ASCII case, and only other
/// parts are folded into `buf`. `parts` is SQLite text (UTF-8; an invalid
/// part is an error).
fn parts_contain_in_place(buf: &mut String, parts: &[&[u8]], folded_term: &str) -> Result<bool, std::str::Utf8Error> {
    let term = folded_term.as_bytes();
    if !folded_term.is_ascii() || term.contains(&b' ') {
        let parts: Vec<&str> = parts.iter().map(|p| std::str::from_utf8(p)).collect::<Result<_, _>>()?;
        return Ok(parts_contain(buf, parts, folded_term));
    }
    for part in parts {
        let found = if part.is_ascii() {
            ascii_contains_ignore_case(part, term)
        } else {
            buf.clear();
            buf.extend(std::str::from_utf8(part)?.chars().map(fold_char));
            buf.contains(folded_term)
        };
        if found {
            return Ok(true);
        }
    }
    Ok(term.is_empty())
}

/// Whether ASCII `hay` contains the folded ASCII `term` in any ASCII case.
/// Only positions whose first byte matches are compared further (a walk
/// asks this of every lead it passes).
fn ascii_contains_ignore_case(hay: &[u8], term: &[u8]) -> bool {
    let Some((&first, rest)) = term.split_first() else {
        return true;
    };
    let Some(last_start) = hay.len().checked_sub(term.len()) else {
        return false;
    };
    // A folded letter is lowercase: `| 0x20` maps only its uppercase onto it.
    let mask = if first.is_ascii_lowercase() { 0x20 } else { 0 };
    hay[..=last_start]
        .iter()
        .enumerate()
        .any(|(i, &b)| (b | mask) == first && hay[i + 1..i + term.len()].eq_ignore_ascii_case(rest))
}

/// The SQL function `lead_text_contains(folded_term, part, ...)`: whether
/// the parts (a lead's searched columns; NULL reads as empty) joined by
/// spaces contain the term as the index would match it. A walk of the
/// activity index asks it of each entry inside SQLite, so only the page's
/// rows come back to Rust and are read whole.
pub const CONTAINS_FN: &str = "lead_text_contains";

/// The most parts [`CONTAINS_FN`] takes.
const MAX_PARTS: usize = 8;

/// Registers [`CONTAINS_FN`] on a connection.
pub fn register_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    use rusqlite::types::ValueRef;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS;
    // One folding buffer per connection: a walk passes many leads with
    // non-ASCII (Hebrew) names and folds each without allocating.
    let buf = std::cell::RefCell::new(String::new());
    conn.create_scalar_function(CONTAINS_FN, -1, flags, move |ctx| {
        let text = |i: usize| match ctx.get_raw(i) {
            ValueRef::Text(t) => t,
            _ => b"",
        };
        if ctx.is_empty() || ctx.len() > MAX_PARTS + 1 {
            return Err(rusqlite::Error::UserFunctionError(
                format!("{CONTAINS_FN} takes a term and 1 to {MAX_PARTS} parts").into(),
            ));
        }
        let term = std::str::from_utf8(text(0)).map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
        let mut parts: [&[u8]; MAX_PARTS] = [b""; MAX_PARTS];
        for (i, part) in parts.iter_mut().enumerate().take(ctx.len() - 1) {
            *part = text(i + 1);
        }
        let mut buf = buf.try_borrow_mut().map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
        parts_contain_in_place(&mut buf, &parts[..ctx.len() - 1], term)
            .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The trigram index and [`contains`] agree, scripts with case included.
    #[test]
    fn folding_matches_the_trigram_index() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE VIRTUAL TABLE t USING fts5 (text, content = '', tokenize = 'trigram')").unwrap();
        let docs = [
            "Dana Levi +972501234567 dana@mail.example",
            "דנה כהן +972521112233",
            "ΣΟΦΊΑ Παπαδοπούλου",
            "Ольга ПЕТРОВА olga@x.io",
            "JOSÉ Ñúñez ÆØÅ İstanbul ǅemal",
            "Ⴀნა ᲐᲑᲒ ꙀꙂ 𐐀𐐁 ＡＢＣ",
            "Straße Σίσυφος ς",
        ];
        for (i, d) in docs.iter().enumerate() {
            c.execute("INSERT INTO t (rowid, text) VALUES (?1, ?2)", rusqlite::params![i as i64, d]).unwrap();
        }
        let terms = [
            "dana",
            "DANA",
            "דנה",
            "כהן",
            "σοφία",
            "ΣΟΦΊΑ",
            "παπαδοπούλου",
            "ольга",
            "петрова",
            "josé",
            "ñúñ",
            "æøå",
            "istanbul",
            "i̇stanbul",
            "ǆemal",
            "ǅemal",
            "ⴀნა",
            "ა",
            "ᲐᲑᲒ",
            "აბგ",
            "ꙁꙃ",
            "𐐨𐐩",
            "𐐀𐐁",
            "ａｂｃ",
            "strasse",
            "straße",
            "σίσυφος",
            "ς",
            "Σ",
            "501234",
            "mail.ex",
        ];
        for term in terms {
            if term.chars().count() < 3 {
                continue;
            }
            let phrase = format!("\"{term}\"");
            let mut want: Vec<i64> = c
                .prepare("SELECT rowid FROM t WHERE t MATCH ?1")
                .unwrap()
                .query_map([&phrase], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            want.sort_unstable();
            let folded = fold(term);
            let got: Vec<i64> =
                docs.iter().enumerate().filter(|(_, d)| contains(d, &folded)).map(|(i, _)| i as i64).collect();
            assert_eq!(got, want, "term {term:?}");
        }
    }

    #[test]
    fn every_code_point_folds_as_the_index_does() {
        // One row per code point, "ab" + the code point: its only trigram, as
        // the index stores it (folded), is read back by row.
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5 (text, content = '', tokenize = 'trigram');
             CREATE VIRTUAL TABLE v USING fts5vocab (t, 'instance');",
        )
        .unwrap();
        let points: Vec<char> = (0x80u32..0x10000).chain(66560..66600).filter_map(char::from_u32).collect();
        {
            let mut ins = c.prepare("INSERT INTO t (rowid, text) VALUES (?1, ?2)").unwrap();
            for &p in &points {
                ins.execute(rusqlite::params![u32::from(p), format!("ab{p}")]).unwrap();
            }
        }
        let stored: std::collections::HashMap<u32, String> = c
            .prepare("SELECT doc, term FROM v")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for p in points {
            assert_eq!(stored.get(&u32::from(p)), Some(&format!("ab{}", fold_char(p))), "U+{:04X}", u32::from(p));
        }
    }

    /// Parts folded into one buffer answer as their joined text does, ASCII
    /// parts (the fast path) and others alike.
    #[test]
    fn parts_answer_as_their_joined_text() {
        let mut buf = String::new();
        let parts = ["Dana", "LEVI", "+972501234567", "", "ΣΟΦΊΑ@Mail.example"];
        let joined = parts.join(" ");
        for term in ["dana levi", "levi +9725", "  σοφία@mail", "a l", "dana", "levi  +", "σοφία@mail.example"]
        {
            let t = fold(term);
            assert_eq!(parts_contain(&mut buf, parts, &t), contains(&joined, &t), "{term}");
        }
        assert!(parts_contain(&mut buf, parts, &fold("LEVI +97250")));
        assert!(!parts_contain(&mut buf, ["Dana"], &fold("levi")));
        // In place: the same answers, a KELVIN SIGN folding to ASCII included.
        let parts = ["Dana", "LEVI", "+972501234567", "", "ΣΟΦΊΑ@Mail.example", "\u{212A}ELVIN"];
        let joined = parts.join(" ");
        let bytes: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
        for term in ["dana levi", "DANA", "levi", "+9725", "972501234567 ", "mail.ex", "σοφία", "kelvin", "elv", "xyz"]
        {
            let t = fold(term);
            assert_eq!(parts_contain_in_place(&mut buf, &bytes, &t), Ok(contains(&joined, &t)), "{term}");
        }
        assert!(parts_contain_in_place(&mut buf, &[b"\xff\xfe" as &[u8]], "abc").is_err());
    }

    #[test]
    fn the_sql_function_reuses_its_buffer_without_carrying_text_over() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        register_functions(&conn).unwrap();
        let ask = |term: &str, parts: [&str; 2]| -> bool {
            conn.query_row(
                "SELECT lead_text_contains(?1, ?2, ?3)",
                rusqlite::params![fold(term), parts[0], parts[1]],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert!(ask("כהן", ["דנה", "כהן-לוי"]));
        // A shorter non-ASCII text next: what the buffer held before must not match.
        assert!(!ask("כהן", ["נועה", "x"]));
        assert!(ask("ÉLODIE", ["élodie", ""]));
        // An ASCII term over a Hebrew part (folded into the buffer), then over another.
        assert!(ask("levi", ["Levi כהן", "x"]));
        assert!(!ask("levi", ["נועה", "x"]));
    }

    #[test]
    fn ascii_search_ignores_case_and_nothing_else() {
        for (hay, term, want) in [
            ("Dana", "dana", true),
            ("xxDANA", "dana", true),
            ("dan", "dana", false),
            ("+972501234567", "25012", true),
            ("a@B.io", "@b.i", true),
            // Only letters fold: a backslash with 0x20 set is `|`, and `@` a backtick.
            ("\\x", "|x", false),
            ("@x", "`x", false),
            ("", "", true),
            ("abc", "", true),
        ] {
            assert_eq!(ascii_contains_ignore_case(hay.as_bytes(), term.as_bytes()), want, "{hay:?} {term:?}");
        }
    }
}
