//! As-you-type student search by name (accent- and case-insensitive, partial), admission
//! number and guardian phone, ranked: exact admission number, then admission-number prefix,
//! phone, name prefix, word prefix, and anywhere in the name.
//!
//! Queries with a word of three or more characters use the FTS5 trigram index
//! (`student_search`); shorter queries use the prefix indexes on the folded names.

use rusqlite::{Connection, ToSql};
use serde::Serialize;

use crate::error::Result;
use crate::id::Id;
use crate::store::Store;
use crate::students::StudentRow;
use crate::text::fold;
use crate::users::Permission;

/// Why a student matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    AdmissionNo,
    AdmissionNoPrefix,
    Phone,
    NamePrefix,
    WordPrefix,
    Name,
}

impl MatchKind {
    fn from_rank(rank: i64) -> MatchKind {
        match rank {
            0 => MatchKind::AdmissionNo,
            1 => MatchKind::AdmissionNoPrefix,
            2 => MatchKind::Phone,
            3 => MatchKind::NamePrefix,
            4 => MatchKind::WordPrefix,
            _ => MatchKind::Name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    #[serde(flatten)]
    pub student: StudentRow,
    pub matched: MatchKind,
}

pub const DEFAULT_LIMIT: usize = 50;

/// Lowercase letters and digits only: how admission numbers and phones are compared
/// ("A-17" and "a17" are the same admission number to a clerk).
fn compact(text: &str) -> String {
    deunicode::deunicode(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn looks_like_phone(query: &str) -> bool {
    query
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        && query.chars().filter(char::is_ascii_digit).count() >= 4
}

/// An FTS5 string literal.
fn quote(token: &str) -> String {
    format!("\"{}\"", token.replace('"', "\"\""))
}

const SELECT: &str =
    "SELECT s.id, s.admission_no, s.given_name, s.family_name, s.class_id, c.name, s.status, s.dob,
        s.gender, g.name, g.phone";
const JOINS: &str = "LEFT JOIN classes c ON c.id = s.class_id
     LEFT JOIN student_guardians l ON l.student_id = s.id AND l.is_primary = 1
     LEFT JOIN guardians g ON g.id = l.guardian_id";

pub fn search(store: &Store, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
    store.require(Permission::ViewStudents)?;
    store.read(|c| search_in(c, query, limit))
}

pub(crate) fn search_in(c: &Connection, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let raw = query.trim();
    let folded = fold(raw);
    let compacted = compact(raw);
    if folded.is_empty() && compacted.is_empty() {
        return Ok(Vec::new());
    }
    let phone = if looks_like_phone(raw) {
        compacted.clone()
    } else {
        String::new()
    };
    let tokens: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let (long, short): (Vec<&str>, Vec<&str>) = tokens.iter().partition(|t| t.len() >= 3);

    let mut expr = Vec::new();
    let by_name = !long.is_empty() && phone.is_empty();
    if by_name {
        expr.push(format!(
            "({})",
            long.iter()
                .map(|t| quote(t))
                .collect::<Vec<_>>()
                .join(" AND ")
        ));
    }
    if compacted.len() >= 3 {
        expr.push(format!("numbers : {}", quote(&compacted)));
    }
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let first = tokens.first().copied().unwrap_or("");
    // Both paths pick at most `limit` students first, using only the index and the
    // students table, and join classes and guardians for those alone.
    let (sql, params): (String, Vec<Box<dyn ToSql>>) = if expr.is_empty() {
        // Only short words: walk the name and admission-number indexes in order and stop
        // after `limit` matches on each.
        let mut params: Vec<Box<dyn ToSql>> = vec![
            Box::new(raw.to_owned()),
            Box::new(successor(&raw.to_lowercase())),
            Box::new(first.to_owned()),
            Box::new(successor(first)),
            Box::new(limit),
        ];
        let filter = word_prefix_filter(
            &tokens[1.min(tokens.len())..],
            "(fold_given || ' ' || fold_family)",
            &mut params,
        );
        let sql = format!(
            "WITH cand (num, rank) AS (
                 SELECT num, 1 FROM (SELECT num FROM students WHERE admission_no >= ?1 AND admission_no < ?2
                                     ORDER BY admission_no LIMIT ?5)
                 UNION ALL
                 SELECT num, 3 FROM (SELECT num FROM students WHERE fold_given >= ?3 AND fold_given < ?4 {filter}
                                     ORDER BY fold_given, fold_family LIMIT ?5)
                 UNION ALL
                 SELECT num, 3 FROM (SELECT num FROM students WHERE fold_family >= ?3 AND fold_family < ?4 {filter}
                                     ORDER BY fold_family, fold_given LIMIT ?5)),
             best AS (SELECT num, min(rank) AS rank FROM cand GROUP BY num)
             {SELECT}, CASE WHEN s.admission_no = ?1 THEN 0 ELSE best.rank END AS r
             FROM best JOIN students s ON s.num = best.num {JOINS}
             ORDER BY r, s.status <> 'active', s.fold_family, s.fold_given, s.admission_no LIMIT ?5"
        );
        (sql, params)
    } else {
        let mut params: Vec<Box<dyn ToSql>> = vec![
            Box::new(raw.to_owned()),
            Box::new(compacted.clone()),
            Box::new(phone),
            Box::new(folded.clone()),
            Box::new(first.to_owned()),
            Box::new(limit),
            Box::new(expr.join(" OR ")),
        ];
        // Short words narrow the name matches ("ana r" is Ana R...); they never hide a
        // student whose admission number the query spells ("GV-0042" is not a name).
        let filter = if by_name && !short.is_empty() {
            let names = word_prefix_filter(&short, "f.name", &mut params);
            format!(
                " AND (s.admission_no = ?1 OR (?2 <> '' AND f.numbers LIKE ?2 || '%') OR (1{names}))"
            )
        } else {
            String::new()
        };
        let sql = format!(
            "WITH best AS (
                 SELECT s.num,
                    CASE WHEN s.admission_no = ?1 THEN 0
                         WHEN ?2 <> '' AND f.numbers LIKE ?2 || '%' THEN 1
                         WHEN ?3 <> '' AND f.numbers LIKE '%' || ?3 || '%' THEN 2
                         WHEN f.name LIKE ?4 || '%' OR s.fold_family LIKE ?4 || '%' THEN 3
                         WHEN (' ' || f.name) LIKE '% ' || ?5 || '%' THEN 4
                         ELSE 5 END AS rank
                 FROM student_search f JOIN students s ON s.num = f.rowid
                 WHERE student_search MATCH ?7 {filter}
                 ORDER BY rank, s.status <> 'active', s.fold_family, s.fold_given, s.admission_no LIMIT ?6)
             {SELECT}, best.rank
             FROM best JOIN students s ON s.num = best.num {JOINS}
             ORDER BY best.rank, s.status <> 'active', s.fold_family, s.fold_given, s.admission_no"
        );
        (sql, params)
    };
    let mut stmt = c.prepare_cached(&sql)?;
    let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
    let hits = stmt.query_map(refs.as_slice(), |r| {
        Ok(SearchHit {
            student: crate::students::row_from(r)?,
            matched: MatchKind::from_rank(r.get(11)?),
        })
    })?;
    Ok(hits.collect::<rusqlite::Result<_>>()?)
}

/// `AND` clauses requiring each token to start a word of `column`.
fn word_prefix_filter(tokens: &[&str], column: &str, params: &mut Vec<Box<dyn ToSql>>) -> String {
    let mut sql = String::new();
    for t in tokens {
        params.push(Box::new(format!("% {t}%")));
        sql.push_str(&format!(" AND (' ' || {column}) LIKE ?{}", params.len()));
    }
    sql
}

/// The smallest string greater than every string starting with `prefix` (ASCII input).
fn successor(prefix: &str) -> String {
    let mut s = prefix.to_owned();
    match s.pop() {
        Some(c) => {
            s.push(char::from_u32(c as u32 + 1).unwrap_or(char::MAX));
            s
        }
        None => String::from("\u{10FFFF}"),
    }
}

/// Drops a student from the index (before the student row is deleted).
pub(crate) fn remove(c: &Connection, student_id: Id) -> Result<()> {
    c.prepare_cached(
        "DELETE FROM student_search WHERE rowid = (SELECT num FROM students WHERE id = ?1)",
    )?
    .execute([student_id])?;
    Ok(())
}

/// Rebuilds the index entry of one student from the student row and their guardians.
pub(crate) fn reindex(c: &Connection, student_id: Id) -> Result<()> {
    let Some((num, name, admission_no)) = c
        .prepare_cached(
            "SELECT num, trim(fold_given || ' ' || fold_family), admission_no FROM students WHERE id = ?1",
        )?
        .query_row([student_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })
        .map(Some)
        .or_else(|e| if matches!(e, rusqlite::Error::QueryReturnedNoRows) { Ok(None) } else { Err(e) })?
    else {
        return Ok(());
    };
    let mut numbers = compact(&admission_no);
    let mut stmt = c.prepare_cached(
        "SELECT g.phone, g.alt_phone FROM student_guardians l JOIN guardians g ON g.id = l.guardian_id WHERE l.student_id = ?1",
    )?;
    let phones = stmt.query_map([student_id], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            r.get::<_, Option<String>>(1)?,
        ))
    })?;
    for pair in phones {
        let (a, b) = pair?;
        for p in [a, b].into_iter().flatten() {
            numbers.push(' ');
            numbers.push_str(&crate::phone::search_digits(&p));
        }
    }
    c.prepare_cached("DELETE FROM student_search WHERE rowid = ?1")?
        .execute([num])?;
    c.prepare_cached("INSERT INTO student_search (rowid, name, numbers) VALUES (?1, ?2, ?3)")?
        .execute((num, name, numbers))?;
    Ok(())
}

#[cfg(test)]
mod tests;
