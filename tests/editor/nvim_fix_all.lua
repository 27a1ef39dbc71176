-- Neovim's own LSP client against `inngest-fix server`, headless:
--   nvim --headless --clean -u NONE -c "luafile tests/editor/nvim_fix_all.lua" FILE
-- with INNGEST_FIX naming the binary. Opens FILE, waits for the server's diagnostics,
-- asks for the `source.fixAll.inngest-fix` code action, applies its edit with Neovim's
-- own `apply_workspace_edit`, waits for the diagnostics of the edited (unsaved) buffer to
-- clear, writes the buffer and quits; the caller compares the file with `--write`'s.
-- Works with Neovim 0.7 (Debian 12's: `vim.lsp.start_client`) and later (`vim.lsp.start`).
local function say(message)
  io.stdout:write("nvim: " .. message .. "\n")
end

local function fail(message)
  io.stderr:write("nvim: FAIL: " .. message .. "\n")
  vim.cmd("cquit 1")
end

local binary = os.getenv("INNGEST_FIX")
-- The CLI's findings, "LINE:COLUMN ..." (1-based, columns in characters).
local expected_positions = os.getenv("EXPECTED_POSITIONS")
if not binary or not expected_positions then
  fail("set INNGEST_FIX and EXPECTED_POSITIONS")
end
local expected = vim.split(vim.trim(expected_positions), " ", { trimempty = true })
local buf = vim.api.nvim_get_current_buf()
local file = vim.api.nvim_buf_get_name(buf)
local root = vim.fn.fnamemodify(file, ":h")
local config = { name = "inngest-fix", cmd = { binary, "server" }, root_dir = root }
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start(config)
else
  client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, client_id)
end
if not client_id then
  fail("the server did not start")
end

local function ours()
  return vim.diagnostic.get(buf)
end

if not vim.wait(10000, function() return #ours() > 0 end, 20) then
  fail("no diagnostics within 10 s")
end
-- Neovim turned the server's UTF-16 positions into byte columns; as characters they
-- must be the CLI's.
local diagnostics = ours()
local positions = {}
for _, d in ipairs(diagnostics) do
  if d.source ~= "inngest-fix" then
    fail("diagnostic without source inngest-fix: " .. vim.inspect(d))
  end
  local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, true)[1]
  local characters = vim.str_utfindex(line, d.col)
  local position = string.format("%d:%d", d.lnum + 1, characters + 1)
  table.insert(positions, position)
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  say(string.format("diagnostic %s (byte column %d) %s: %s", position, d.col + 1, tostring(code), d.message))
end
table.sort(positions)
table.sort(expected)
if table.concat(positions, " ") ~= table.concat(expected, " ") then
  fail("diagnostics at " .. table.concat(positions, " ") .. ", the CLI reports " .. table.concat(expected, " "))
end

local params = {
  textDocument = vim.lsp.util.make_text_document_params(buf),
  range = {
    start = { line = 0, character = 0 },
    ["end"] = { line = vim.api.nvim_buf_line_count(buf), character = 0 },
  },
  context = { diagnostics = {}, only = { "source.fixAll.inngest-fix" } },
}
local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 10000)
local applied = 0
for _, response in pairs(responses or {}) do
  if response.error then
    fail("codeAction failed: " .. vim.inspect(response.error))
  end
  for _, action in ipairs(response.result or {}) do
    if action.kind == "source.fixAll.inngest-fix" and action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
      applied = applied + 1
      say("applied: " .. action.title)
    end
  end
end
if applied ~= 1 then
  fail("expected one fix-all action, applied " .. applied)
end

-- The edit reaches the server as a didChange of the unsaved buffer; what is left is
-- what `--write` leaves (findings it does not fix).
local remaining = tonumber(os.getenv("EXPECTED_AFTER_FIX") or "0")
if not vim.wait(10000, function() return #ours() == remaining end, 20) then
  fail(string.format("%d diagnostics after the fix, expected %d", #ours(), remaining))
end
say(string.format("%d diagnostics after the fix", remaining))
vim.cmd("write")

local client = vim.lsp.get_client_by_id(client_id)
client.stop()
if not vim.wait(5000, function() return client.is_stopped() end, 20) then
  fail("the server did not stop after shutdown/exit")
end
vim.cmd("qall!")
