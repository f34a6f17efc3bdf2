//! placeholder
use super::{Session, Status};
use crate::error::Result;
use std::io::Write;
pub fn watch(_s: &mut Session, _o: &mut dyn Write, _poll: bool) -> Result<Status> {
    todo!()
}
