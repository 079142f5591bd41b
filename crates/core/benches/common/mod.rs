//! What every benchmark starts from.

use rollbook_core::school::{self, SchoolInput, SetupInput};
use rollbook_core::{Result, Store};

/// Sets up the benchmarks' school: country IN, so phones are Indian mobiles.
pub fn set_up_school(store: &Store) -> Result<()> {
    school::setup(
        store,
        &SetupInput {
            school: SchoolInput {
                name: "Bench School".into(),
                country: "IN".into(),
                time_zone: Some("Asia/Kolkata".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )?;
    Ok(())
}
