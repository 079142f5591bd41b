//! Rollbook's core: the school's records, the local store they live in, search, and the
//! change capture that sync builds on. It knows nothing of windows, IPC or HTTP: the desktop
//! shell and the CLI are thin layers over these functions.

pub mod attendance;
pub mod audit;
pub mod backup;
pub mod calendar;
pub mod cards;
pub mod classes;
mod diff;
pub mod error;
pub mod export;
pub mod fees;
pub mod guardians;
pub mod hlc;
pub mod id;
pub mod import;
pub mod paths;
pub mod phone;
pub mod school;
pub mod search;
mod secrets;
pub mod staff;
pub mod status;
pub mod store;
pub mod students;
pub mod sync;
#[cfg(test)]
mod testing;
pub mod text;
mod time;
pub mod update;
pub mod users;
mod validate;
pub mod years;

pub use error::{Error, ErrorCode, FieldError, Result};
pub use id::Id;
pub use store::Store;
