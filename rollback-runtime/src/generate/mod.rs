//! `generate`: writes the down for an up and proves it (DESIGN §7).

mod recreate;
