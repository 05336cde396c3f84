//! ISO 8601 date-times for metadata (SPEC §4): parsed, checked against the
//! calendar, and written in the canonical `YYYY-MM-DDTHH:MM:SS[.f]Z` form.

/// A valid date-time, shifted to UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime<'s> {
    year: i64,
    month: i64,
    day: i64,
    seconds_of_day: i64,
    fraction: &'s str,
}

impl DateTime<'_> {
    /// Seconds since 1970-01-01T00:00:00Z (the fraction dropped).
    pub fn unix_seconds(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400 + self.seconds_of_day
    }

    /// Append the canonical `YYYY-MM-DDTHH:MM:SS[.fraction]Z` form.
    pub fn write(&self, out: &mut Vec<u8>) {
        let s = self.seconds_of_day;
        digits(out, self.year, 4);
        out.push(b'-');
        digits(out, self.month, 2);
        out.push(b'-');
        digits(out, self.day, 2);
        out.push(b'T');
        digits(out, s / 3600, 2);
        out.push(b':');
        digits(out, s / 60 % 60, 2);
        out.push(b':');
        digits(out, s % 60, 2);
        if !self.fraction.is_empty() {
            out.push(b'.');
            out.extend_from_slice(self.fraction.as_bytes());
        }
        out.push(b'Z');
    }
}

/// Whether a date-time that [`parse`] accepted is already canonical: a `T`
/// separator and a `Z` offset (then no shift to UTC is needed either).
pub fn is_canonical(s: &str) -> bool {
    s.as_bytes().get(10) == Some(&b'T') && s.ends_with('Z')
}

/// `n` (non-negative) zero-padded to `width` digits.
fn digits(out: &mut Vec<u8>, n: i64, width: u32) {
    for place in (0..width).rev() {
        out.push(b'0' + (n / 10i64.pow(place) % 10) as u8);
    }
}

/// Parse `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM|±HH]` (a space may
/// stand for the `T`; no offset means UTC). `Err` says what is wrong.
pub fn parse(s: &str) -> Result<DateTime<'_>, &'static str> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Result<i64, &'static str> {
        let part = b.get(from..from + len).ok_or("it is too short")?;
        if part.iter().all(u8::is_ascii_digit) {
            Ok(part.iter().fold(0i64, |n, d| n * 10 + (d - b'0') as i64))
        } else {
            Err("expected YYYY-MM-DDTHH:MM:SS")
        }
    };
    if b.len() == 10 && num(0, 4).is_ok() && b.get(4) == Some(&b'-') {
        return Err("it is a date without a time; add a time such as T00:00:00Z");
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return Err("expected YYYY-MM-DDTHH:MM:SS");
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return Err("expected a 'T' between the date and the time");
    }
    let (hour, minute) = (num(11, 2)?, num(14, 2)?);
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return Err("expected HH:MM:SS after the date");
    }
    let second = num(17, 2)?;
    let mut i = 19;
    let mut fraction = "";
    if b.get(i) == Some(&b'.') {
        let digits = b[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return Err("expected digits after the decimal point");
        }
        fraction = &s[i + 1..i + 1 + digits];
        i += 1 + digits;
    }
    let offset_minutes = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let hh = num(i + 1, 2)?;
            let mm = match b.len() - i {
                3 => 0,
                5 => num(i + 3, 2)?,
                6 if b[i + 3] == b':' => num(i + 4, 2)?,
                _ => return Err("expected an offset like +02:00"),
            };
            if hh > 23 || mm > 59 {
                return Err("the UTC offset is out of range");
            }
            let minutes = hh * 60 + mm;
            if sign == b'-' { -minutes } else { minutes }
        }
        _ => return Err("unexpected text after the time"),
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err("that day does not exist in the calendar");
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err("the time of day is out of range");
    }
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let utc = local - offset_minutes * 60;
    let (days, secs) = (utc.div_euclid(86_400), utc.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return Err("the year is out of range");
    }
    Ok(DateTime { year, month, day, seconds_of_day: secs, fraction })
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-calendar algorithms.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(s: &str) -> Result<String, &'static str> {
        let mut out = Vec::new();
        parse(s)?.write(&mut out);
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical("2022-06-01T10:30:00").unwrap(), "2022-06-01T10:30:00Z");
        assert_eq!(canonical("2022-06-01T10:30:00Z").unwrap(), "2022-06-01T10:30:00Z");
        assert_eq!(canonical("2022-06-01 10:30:00.123456").unwrap(), "2022-06-01T10:30:00.123456Z");
        assert_eq!(canonical("2022-06-01T01:30:00+02:00").unwrap(), "2022-05-31T23:30:00Z");
        assert_eq!(canonical("2024-02-28T23:00:00-0130").unwrap(), "2024-02-29T00:30:00Z");
        assert_eq!(canonical("2023-12-31T23:59:59.5-01").unwrap(), "2024-01-01T00:59:59.5Z");
    }

    #[test]
    fn rejects_what_is_not_a_datetime() {
        for bad in [
            "2022-06-01", "2022-02-30T00:00:00", "2023-02-29T00:00:00Z", "2022-13-01T00:00:00",
            "2022-06-01T24:00:00", "2022-06-01T10:30", "2022/06/01T10:30:00", "2022-06-01T10:30:00.",
            "2022-06-01T10:30:00+2", "2022-06-01T10:30:00Zjunk", "yesterday", "", "0000-01-01T00:00:00+01:00",
        ] {
            assert!(canonical(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn unix_seconds() {
        assert_eq!(parse("1970-01-01T00:00:00Z").unwrap().unix_seconds(), 0);
        assert_eq!(parse("2026-12-01T01:00:00+01:00").unwrap().unix_seconds(), 1_796_083_200);
    }

    #[test]
    fn canonical_is_idempotent() {
        for s in ["2022-06-01T10:30:00+05:30", "1999-12-31T23:59:59.999-12:00"] {
            let once = canonical(s).unwrap();
            assert_eq!(canonical(&once).unwrap(), once);
        }
    }
}
