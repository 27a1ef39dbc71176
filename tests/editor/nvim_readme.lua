-- The documented Neovim set-up, as a user has it: the server started by the configuration
-- extracted from docs/editors.md (given as `-u`), diagnostics, then the documented fix-all call
-- `vim.lsp.buf.code_action({ context = { only = … }, apply = true })`, then `:write`.
-- Needs Neovim 0.11 (`vim.lsp.config`); tests/editor/nvim.sh runs it only there.
local function fail(message)
  io.stderr:write("nvim: FAIL: " .. message .. "\n")
  vim.cmd("cquit 1")
end
local buf = vim.api.nvim_get_current_buf()
if not vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
  fail("no diagnostics with the documented configuration")
end
io.stdout:write("nvim: " .. #vim.diagnostic.get(buf) .. " diagnostics\n")
vim.lsp.buf.code_action({ context = { only = { "source.fixAll.inngest-fix" } }, apply = true })
local remaining = tonumber(os.getenv("EXPECTED_AFTER_FIX") or "0")
if not vim.wait(10000, function() return #vim.diagnostic.get(buf) == remaining end, 20) then
  fail("the fix-all action left " .. #vim.diagnostic.get(buf) .. " diagnostics")
end
vim.cmd("write")
vim.cmd("qall!")
