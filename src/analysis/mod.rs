//! Analysis of Inngest functions. (Being written.)
