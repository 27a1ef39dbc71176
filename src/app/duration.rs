//! Durations, parsed the way each reader of them does.
//!
//! - The engine reads flow-control periods (`throttle.period`, `rateLimit.period`,
//!   `debounce.period`/`timeout`, `timeouts.start`/`finish`) with
//!   `xhit/go-str2duration/v2`: Go durations plus `d` and `w` (`"1h30m"`, `"2d"`, `"1.5h"`);
//!   no spaces, no words (`"1 hour"` fails). [`engine`].
//! - It reads `batchEvents.timeout` with Go's own `time.ParseDuration`: no `d`, no `w`
//!   (`pkg/inngest/batch.go`). [`go`].
//! - The SDK reads `step.sleep` and `waitForEvent`'s `timeout` itself with the `ms`
//!   package before it reaches the engine (`"1 hour"`, `"2 days"`, `"1.5h"` all work; a
//!   number is milliseconds). [`ms`].
//!
//! Owns: these three parsers, returning seconds. Does not own: the limits.

/// str2duration's units, in seconds.
const ENGINE_UNITS: &[(&str, f64)] = &[
    ("ns", 1e-9),
    ("us", 1e-6),
    ("µs", 1e-6),
    ("μs", 1e-6),
    ("ms", 1e-3),
    ("s", 1.0),
    ("m", 60.0),
    ("h", 3600.0),
    ("d", 86400.0),
    ("w", 604800.0),
];

/// A duration the engine's str2duration accepts, in seconds (negative allowed).
pub fn engine(input: &str) -> Option<f64> {
    parse_go(input, ENGINE_UNITS)
}

/// A duration Go's `time.ParseDuration` accepts, in seconds.
pub fn go(input: &str) -> Option<f64> {
    parse_go(input, &ENGINE_UNITS[..8])
}

fn parse_go(input: &str, units: &[(&str, f64)]) -> Option<f64> {
    let (negative, mut rest) = match input.as_bytes().first() {
        Some(b'-') => (true, &input[1..]),
        Some(b'+') => (false, &input[1..]),
        _ => (false, input),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_end];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        let (_, scale) = units.iter().find(|(u, _)| *u == unit)?;
        total += value * scale;
        rest = &rest[unit_end..];
    }
    Some(if negative { -total } else { total })
}

/// What the `ms` package makes of a string, in seconds: `^(-?(?:\d+)?\.?\d+) *(unit)?$`,
/// case-insensitive, at most 100 characters; no unit is milliseconds.
pub fn ms(input: &str) -> Option<f64> {
    if input.is_empty() || input.len() > 100 {
        return None;
    }
    let lower = input.to_ascii_lowercase();
    let (negative, body) = match lower.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, lower.as_str()),
    };
    let number_end = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let number = &body[..number_end];
    // (?:\d+)?\.?\d+ : digits must end the number.
    if number.is_empty() || number.ends_with('.') || number.matches('.').count() > 1 {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    let unit = body[number_end..].trim_start_matches(' ');
    let scale = match unit {
        "" | "milliseconds" | "millisecond" | "msecs" | "msec" | "ms" => 1e-3,
        "seconds" | "second" | "secs" | "sec" | "s" => 1.0,
        "minutes" | "minute" | "mins" | "min" | "m" => 60.0,
        "hours" | "hour" | "hrs" | "hr" | "h" => 3600.0,
        "days" | "day" | "d" => 86400.0,
        "weeks" | "week" | "w" => 604800.0,
        "years" | "year" | "yrs" | "yr" | "y" => 31_557_600.0,
        _ => return None,
    };
    let seconds = value * scale;
    Some(if negative { -seconds } else { seconds })
}

/// Seconds for people: `7d`, `1h30m`, `45s`.
pub fn human(seconds: f64) -> String {
    let mut left = seconds.max(0.0).round() as u64;
    if left == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] {
        if left >= size {
            out.push_str(&format!("{}{unit}", left / size));
            left %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_durations() {
        assert_eq!(engine("1h30m"), Some(5400.0));
        assert_eq!(engine("2d"), Some(172800.0));
        assert_eq!(engine("1w"), Some(604800.0));
        assert_eq!(engine("1.5h"), Some(5400.0));
        assert_eq!(engine("0"), Some(0.0));
        assert_eq!(engine("1 hour"), None);
        assert_eq!(engine("1hour"), None);
        assert_eq!(engine("10"), None);
        assert_eq!(engine(""), None);
        assert_eq!(go("2d"), None);
        assert_eq!(go("90s"), Some(90.0));
    }

    #[test]
    fn ms_durations() {
        assert_eq!(ms("1 hour"), Some(3600.0));
        assert_eq!(ms("2 Days"), Some(172800.0));
        assert_eq!(ms("1.5h"), Some(5400.0));
        assert_eq!(ms("500"), Some(0.5));
        assert_eq!(ms("1h30m"), None);
        assert_eq!(ms("soon"), None);
        assert_eq!(human(5400.0), "1h30m");
    }
}
