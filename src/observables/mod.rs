//! From a metric to physics. So far: the Nambu–Goto quark–antiquark potential in a given
//! background ([`wilson`]), checked against closed forms. The reconstruction of f and g from a
//! trained h (PHYSICS.md §5) is not here yet.

pub mod wilson;
