//! Rules. (Being written.)
