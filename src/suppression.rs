//! Suppression comments (SPEC 4). (Being written.)
