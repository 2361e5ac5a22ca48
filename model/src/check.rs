//! Checks of single field values, shared by every record kind. Each answers the value in
//! its stored form, or the field's error.

use crate::activity::parse_date;
use crate::field::{FieldError, Problem};
use crate::input::RegionCode;
use serde_json::{Map, Value};
use time::Date;

/// Keeps a field's value, or records its error.
pub(crate) fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|error| errors.push(error)).ok()
}

pub(crate) fn present<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    match fields.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(value) => Some(value),
    }
}

pub(crate) fn required_str<'a>(
    fields: &'a Map<String, Value>,
    name: &str,
) -> Result<&'a str, FieldError> {
    match present(fields, name) {
        None => Err(FieldError::new(name, Problem::Required)),
        Some(Value::String(s)) => Ok(s.trim()),
        Some(_) => Err(FieldError::new(name, Problem::WrongType)),
    }
}

pub(crate) fn code(
    fields: &Map<String, Value>,
    name: &str,
    known: impl Fn(&str) -> bool,
) -> Result<String, FieldError> {
    let value = required_str(fields, name)?;
    if known(value) {
        Ok(value.to_owned())
    } else {
        Err(FieldError::new(name, Problem::UnknownCode))
    }
}

pub(crate) fn date(
    fields: &Map<String, Value>,
    name: &str,
    today: Date,
) -> Result<Date, FieldError> {
    let value = required_str(fields, name)?;
    let date = parse_date(value).ok_or_else(|| FieldError::new(name, Problem::NotADate))?;
    if date > today {
        return Err(FieldError::new(name, Problem::InFuture));
    }
    Ok(date)
}

/// A region of the level `parse` reads (`RegionCode::kecamatan` or `RegionCode::village`).
pub(crate) fn region(
    fields: &Map<String, Value>,
    name: &str,
    parse: fn(&str) -> Result<RegionCode, Problem>,
) -> Result<RegionCode, FieldError> {
    parse(required_str(fields, name)?).map_err(|problem| FieldError::new(name, problem))
}

pub(crate) fn codes(
    fields: &Map<String, Value>,
    name: &str,
    required: bool,
    known: impl Fn(&str) -> bool,
) -> Result<Vec<String>, FieldError> {
    let items = match present(fields, name) {
        None => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => return Err(FieldError::new(name, Problem::WrongType)),
    };
    if required && items.is_empty() {
        return Err(FieldError::new(name, Problem::Required));
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Value::String(code) = item else {
            return Err(FieldError::new(name, Problem::WrongType));
        };
        if !known(&code) {
            return Err(FieldError::new(name, Problem::UnknownCode));
        }
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

pub(crate) fn count(fields: &Map<String, Value>, name: &str, max: u64) -> Result<u64, FieldError> {
    let Some(value) = present(fields, name) else {
        return Err(FieldError::new(name, Problem::Required));
    };
    let number = match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_u64().map(|_| i64::MAX)),
        _ => None,
    };
    match number {
        // A fraction, or text that is no whole number (what a form keeps as typed); a
        // whole number sent as text is only of the wrong type.
        None if match value {
            Value::Number(_) => true,
            Value::String(s) => s.trim().parse::<i64>().is_err(),
            _ => false,
        } =>
        {
            Err(FieldError::new(name, Problem::NotWhole))
        }
        None => Err(FieldError::new(name, Problem::WrongType)),
        Some(n) if n < 0 => Err(FieldError::new(name, Problem::Negative)),
        Some(n) if n as u64 > max => Err(FieldError::new(name, Problem::TooLarge { max })),
        Some(n) => Ok(n as u64),
    }
}

pub(crate) fn text(
    fields: &Map<String, Value>,
    name: &str,
    max: usize,
) -> Result<String, FieldError> {
    match present(fields, name) {
        None => Ok(String::new()),
        Some(Value::String(s)) if s.chars().count() > max => {
            Err(FieldError::new(name, Problem::TooLong { max }))
        }
        Some(Value::String(s)) => Ok(s.trim().to_owned()),
        Some(_) => Err(FieldError::new(name, Problem::WrongType)),
    }
}
