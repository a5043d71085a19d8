"""A real editor: Neovim, headless, with the language server configured as docs/writing.md
shows, opens a story file, reads the server's diagnostics and jumps to a definition."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LUA = r"""
local root, out = ROOT, OUT
local client = vim.lsp.start_client({
  name = "hengyang", cmd = { PYTHON, PLAY, "lsp" }, root_dir = root,
})
vim.cmd("edit " .. root .. "/story/battery.yaml")
vim.lsp.buf_attach_client(0, client)
local got = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local diags = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(diags, { line = d.lnum, col = d.col, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), message = d.message })
end
-- Jump from the target of the first choice that leads to bat_bai (line 18, 'report: bat_bai').
local row = vim.fn.search("report: bat_bai")
vim.api.nvim_win_set_cursor(0, { row, 16 })
vim.lsp.buf.definition()
local jumped = vim.wait(30000, function() return vim.api.nvim_win_get_cursor(0)[1] ~= row end, 50)
local cursor = vim.api.nvim_win_get_cursor(0)
local f = io.open(out, "w")
f:write(vim.fn.json_encode({ got = got, diags = diags, jumped = jumped, from = row, cursor = cursor,
                             line = vim.api.nvim_get_current_line() }))
f:close()
vim.lsp.stop_client(client)
vim.cmd("qa!")
"""


@pytest.mark.skipif(shutil.which("nvim") is None, reason="Neovim (Debian package neovim) is not installed")
def test_neovim_shows_diagnostics_and_jumps_to_a_definition(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "story", tmp_path / "story")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    bat = tmp_path / "story" / "battery.yaml"
    text = bat.read_text(encoding="utf-8")
    bat.write_text(text.replace("      rounds: bat_rounds", "      rounds: bat_roundz", 1), encoding="utf-8")
    out = tmp_path / "result.json"
    script = tmp_path / "init.lua"
    script.write_text(LUA.replace("ROOT", json.dumps(str(tmp_path)), 1).replace("OUT", json.dumps(str(out)), 1)
                      .replace("PYTHON", json.dumps(sys.executable)).replace("PLAY", json.dumps(str(ROOT / "play.py"))),
                      encoding="utf-8")
    done = subprocess.run(["nvim", "--headless", "--clean", "-u", "NONE", "-c", f"luafile {script}"],
                          capture_output=True, text=True, timeout=180, cwd=tmp_path, check=False)
    assert out.exists(), done.stderr + done.stdout
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["got"], result
    (d,) = [d for d in result["diags"] if "bat_roundz" in d["message"]]
    assert d["code"] == "E205" and d["line"] == text.split("\n").index("      rounds: bat_rounds") \
        and d["col"] == len("      rounds: ") and "did you mean 'bat_rounds'" in d["message"]
    assert result["jumped"] and result["line"] == "  bat_bai:", result
