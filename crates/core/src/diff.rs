//! Field-level differences between two versions of a record, for update entries in the
//! outbox (and so for field-by-field merging in sync).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Result;

/// The fields of `new` whose values differ from `old`, with their new values.
pub(crate) fn changed_fields<T: Serialize>(old: &T, new: &T) -> Result<Map<String, Value>> {
    let (Value::Object(old), Value::Object(new)) =
        (serde_json::to_value(old)?, serde_json::to_value(new)?)
    else {
        return Err(crate::error::Error::internal(
            "records must serialise as objects",
        ));
    };
    Ok(new
        .into_iter()
        .filter(|(k, v)| old.get(k) != Some(v))
        .collect())
}
