//! The Zed extension: start `inngest-fix server` from the PATH that the worktree's
//! shell sees (`npm install -D inngest-fix` users: `node_modules/.bin` on the PATH, or
//! `cargo install`), and say how to get it when it is missing.

use zed_extension_api::{self as zed, LanguageServerId, Result};

struct InngestFix;

impl zed::Extension for InngestFix {
    fn new() -> Self {
        InngestFix
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree.which("inngest-fix").ok_or_else(|| {
            "inngest-fix is not on the PATH: `cargo install --path .` from its repository, \
             or `npm install -g inngest-fix`"
                .to_string()
        })?;
        Ok(zed::Command {
            command,
            args: vec!["server".to_string()],
            env: Default::default(),
        })
    }
}

zed::register_extension!(InngestFix);
