// Entry pages: repeating rows (add, remove, move, renumber) and live totals. No framework.
// Rows are Django formsets; the server stores rows in page order, so after any change the rows of a
// group are renumbered (prefix-0-…, prefix-1-…) and TOTAL_FORMS is set to their count.
(function () {
  "use strict";

  const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const RENAMED = ["name", "id", "for", "data-formset", "data-empty", "aria-describedby"];

  function rowsOf(container) {
    return [...container.querySelectorAll("[data-row]")].filter(
      (row) => row.parentElement.closest("[data-formset]") === container
    );
  }

  function rowsParent(container) {
    return container.matches("[data-rows]") ? container : container.querySelector("[data-rows]");
  }

  function renumber(container) {
    const prefix = container.dataset.formset;
    const anchored = new RegExp("^(id_)?" + escape(prefix) + "-(\\d+|__prefix__)-");
    const quoted = new RegExp("(?<=[\"'])(id_)?" + escape(prefix) + "-(\\d+|__prefix__)-", "g");
    const rows = rowsOf(container);
    rows.forEach((row, index) => {
      const number = row.querySelector(":scope > .row-number");
      if (number) number.textContent = index + 1;
      for (const element of [row, ...row.querySelectorAll("*")]) {
        for (const attribute of RENAMED) {
          const value = element.getAttribute(attribute);
          if (value && anchored.test(value)) {
            element.setAttribute(attribute, value.replace(anchored, `$1${prefix}-${index}-`));
          }
        }
      }
      for (const template of row.querySelectorAll("template")) {
        template.innerHTML = template.innerHTML.replace(quoted, `$1${prefix}-${index}-`);
      }
    });
    const total = container.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    if (total) total.value = rows.length;
    // The indicator tree numbers its 三级 rows through the whole table, as the findings do (第N行).
    const tree = container.closest(".indicator-tree");
    if (tree) {
      tree.querySelectorAll("tr[data-row] > .row-number").forEach((cell, index) => {
        cell.textContent = index + 1;
      });
    }
  }

  function addRow(container) {
    const prefix = container.dataset.formset;
    const template = container.querySelector(`template[data-empty="${prefix}"]`);
    const index = rowsOf(container).length;
    const pattern = new RegExp("(?<=[\"'])(id_)?" + escape(prefix) + "-__prefix__-", "g");
    const html = template.innerHTML.replace(pattern, `$1${prefix}-${index}-`);
    rowsParent(container).insertAdjacentHTML("beforeend", html);
    renumber(container);
    const row = rowsOf(container)[index];
    row.querySelectorAll("[data-formset][data-start-with-row]").forEach(addRow);
    const first = row.querySelector("input:not([type=hidden]), textarea");
    if (first) first.focus();
    fitAll(row);
    return row;
  }

  function changed() {
    document.body.dataset.dirty = "true";
    recalculate();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-add], [data-remove], [data-move]");
    if (!button) return;
    event.preventDefault();
    const container = button.closest("[data-formset]");
    if (button.hasAttribute("data-add")) {
      addRow(container);
    } else {
      const row = button.closest("[data-row]");
      const rowContainer = row.parentElement.closest("[data-formset]");
      if (button.hasAttribute("data-remove")) {
        row.remove();
      } else if (button.dataset.move === "up") {
        const previous = row.previousElementSibling;
        if (previous && previous.matches("[data-row]")) previous.before(row);
      } else {
        const next = row.nextElementSibling;
        if (next && next.matches("[data-row]")) next.after(row);
      }
      renumber(rowContainer);
    }
    changed();
  });

  // --- live totals ---------------------------------------------------------------------------------
  // <output data-sum="a b tasks-*-amount">, data-diff="a b", data-rate="a b" (a ÷ b in %, data-abs for
  // |a|), data-same="#x #y" (equal or not). Amounts are added as integer millionths of a 万元 (to the 分,
  // as they are stored): no binary rounding; they print with two decimals, half-up, as the layouts do.

  const FULL_WIDTH = { "．": ".", "。": ".", "，": ",", "－": "-", "−": "-", "﹣": "-", "＋": "+", "　": " " };

  function asciiNumber(text) {
    // The Chinese IME types full-width digits and punctuation: read them as the server does.
    return String(text || "")
      .replace(/[０-９]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xfee0))
      .replace(/[．。，－−﹣＋　]/g, (mark) => FULL_WIDTH[mark]);
  }

  function micros(text) {
    const ascii = asciiNumber(text).replace(/\s/g, "");
    if (ascii === "" || /^([-‐‑‒–—―─]+|[/／])$/.test(ascii)) return 0n; // blank, “—” or “/”: empty
    const clean = ascii.replace(/,/g, "");
    if (!/^-?\d*(\.\d{0,6})?$/.test(clean) || clean === "-" || clean === "." || clean === "-.") return null;
    const [whole, fraction = ""] = clean.replace("-", "").split(".");
    const value = BigInt(whole || "0") * 1000000n + BigInt((fraction + "000000").slice(0, 6));
    return clean.startsWith("-") ? -value : value;
  }

  function formatCents(value) {
    const negative = value < 0n;
    const absolute = negative ? -value : value;
    const whole = (absolute / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const fraction = (absolute % 100n).toString().padStart(2, "0");
    return `${negative ? "−" : ""}${whole}.${fraction}`;
  }

  function formatMicros(value) {
    // Half-up to the cent of a 万元, away from zero as the server's ROUND_HALF_UP.
    const cents = ((value < 0n ? -value : value) + 5000n) / 10000n;
    return formatCents(value < 0n ? -cents : cents);
  }

  function valueOf(token) {
    if (token.startsWith("#")) {
      const output = document.querySelector(token);
      return output && output.dataset.value !== undefined && output.dataset.value !== ""
        ? BigInt(output.dataset.value)
        : null;
    }
    const pattern = new RegExp("^" + token.split("*").map(escape).join("\\d+") + "$");
    let total = 0n;
    for (const input of document.querySelectorAll("input[name]")) {
      if (!pattern.test(input.name)) continue;
      const value = micros(input.value);
      if (value === null) return null;
      total += value;
    }
    return total;
  }

  function show(output, value, text) {
    output.dataset.value = value === null ? "" : value.toString();
    output.textContent = text;
  }

  function recalculate() {
    for (let pass = 0; pass < 2; pass++) {
      for (const output of document.querySelectorAll("[data-sum], [data-diff], [data-rate], [data-same]")) {
        if (output.dataset.sum !== undefined) {
          const values = output.dataset.sum.split(/\s+/).map(valueOf);
          const bad = values.some((value) => value === null);
          const sum = values.reduce((a, b) => a + (b || 0n), 0n);
          show(output, bad ? null : sum, bad ? "（有非数字）" : formatMicros(sum));
        } else if (output.dataset.diff !== undefined) {
          const [a, b] = output.dataset.diff.split(/\s+/).map(valueOf);
          show(output, a === null || b === null ? null : a - b, a === null || b === null ? "—" : formatMicros(a - b));
        } else if (output.dataset.rate !== undefined) {
          let [a, b] = output.dataset.rate.split(/\s+/).map(valueOf);
          if (a === null || b === null || b === 0n) {
            show(output, null, "—");
            continue;
          }
          if (output.hasAttribute("data-abs") && a < 0n) a = -a;
          // Percent with two decimals, rounded half up: (a / b × 10000 + ½), in integers.
          const basisPoints = (2n * a * 10000n + b) / (2n * b);
          show(output, basisPoints, formatCents(basisPoints) + "%");
        } else {
          const values = output.dataset.same.split(/\s+/).map(valueOf);
          const same = values.every((value) => value !== null && value === values[0]);
          output.textContent = same ? "三个合计相等" : "三个合计不相等：提交前须一致";
          output.classList.toggle("text-success", same);
          output.classList.toggle("text-danger", !same);
        }
      }
    }
  }

  // --- suggestions from the indicator library --------------------------------------------------------
  // Typing a 三级 name under a 二级 lists indicators other departments wrote there, with their usual
  // target values; picking one fills the name only (the target stays for the preparer to set). The
  // name box is a growing text area, so the list is the page's own (a datalist needs an <input>).

  let suggestTimer = null;
  let suggestBox = null;

  function closeSuggestions() {
    if (suggestBox) suggestBox.remove();
    suggestBox = null;
  }

  function pick(input, value) {
    input.value = value;
    fit(input);
    closeSuggestions();
    changed();
  }

  function showSuggestions(input, suggestions) {
    closeSuggestions();
    if (!suggestions.length) return;
    suggestBox = document.createElement("ul");
    suggestBox.className = "suggest-list list-group shadow";
    suggestBox.setAttribute("role", "listbox");
    for (const item of suggestions) {
      const option = document.createElement("li");
      option.className = "list-group-item list-group-item-action py-1";
      option.setAttribute("role", "option");
      option.dataset.value = item.name;
      const name = document.createElement("div");
      name.textContent = `${item.recommended ? "【推荐】" : ""}${item.name}`;
      const hint = document.createElement("div");
      hint.className = "small text-muted";
      const values = item.values.map((value) => `${value.text}（${value.uses}次）`).join("；");
      hint.textContent = `常用指标值：${values || "—"}`;
      option.append(name, hint);
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        pick(input, item.name);
      });
      suggestBox.append(option);
    }
    const box = input.getBoundingClientRect();
    Object.assign(suggestBox.style, {
      position: "absolute",
      left: `${box.left + window.scrollX}px`,
      top: `${box.bottom + window.scrollY}px`,
      width: `${Math.max(box.width, 360)}px`,
    });
    document.body.append(suggestBox);
  }

  function suggest(input) {
    const group = input.closest("tbody[data-category]");
    const table = input.closest("[data-suggest-url]");
    if (!group || !table || !/-name$/.test(input.name)) return;
    const level2 = group.dataset.category.split("/").pop();
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(async () => {
      const url = `${table.dataset.suggestUrl}?level2=${encodeURIComponent(level2)}&q=${encodeURIComponent(input.value)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok || document.activeElement !== input) return;
      const { suggestions } = await response.json();
      showSuggestions(input, suggestions);
    }, 200);
  }

  const NAME_FIELD = "textarea[name$='-name'], input[name$='-name']";
  document.addEventListener("focusin", (event) => {
    if (event.target.matches(NAME_FIELD)) suggest(event.target);
  });
  document.addEventListener("focusout", (event) => {
    if (event.target.matches(NAME_FIELD)) closeSuggestions();
  });
  document.addEventListener("input", (event) => {
    if (event.target.matches(NAME_FIELD)) suggest(event.target);
    if (event.target.matches("textarea")) fit(event.target);
  });
  // --- suggestions from other forms (a monitoring forecast): filled in only when the preparer clicks ---
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-fill]");
    if (!button) return;
    event.preventDefault();
    const input = document.querySelector(`[name="${button.dataset.fill}"]`);
    if (!input) return;
    input.value = button.dataset.value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (suggestBox && target.matches(NAME_FIELD)) {
      const options = [...suggestBox.children];
      const active = options.findIndex((option) => option.classList.contains("active"));
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const count = options.length;
        const next = event.key === "ArrowDown" ? (active + 1) % count : active <= 0 ? count - 1 : active - 1;
        options.forEach((option, index) => option.classList.toggle("active", index === next));
        return;
      }
      if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        pick(target, options[active].dataset.value);
        return;
      }
      if (event.key === "Escape") closeSuggestions();
    }
    // One line of text in a growing box: Enter does not break it.
    if (event.key === "Enter" && target.matches("textarea[data-line]")) event.preventDefault();
  });

  // --- text areas grow with their text -----------------------------------------------------------------

  function fit(area) {
    if (!area || !area.matches("textarea")) return;
    area.style.height = "auto";
    area.style.height = `${area.scrollHeight + 2}px`;
  }

  function fitAll(root) {
    // Read every height first, then write: one layout, not one per text area.
    const areas = [...root.querySelectorAll("textarea")];
    areas.forEach((area) => (area.style.height = "auto"));
    const heights = areas.map((area) => area.scrollHeight);
    areas.forEach((area, index) => (area.style.height = `${heights[index] + 2}px`));
  }

  document.addEventListener("input", changed);
  document.addEventListener("DOMContentLoaded", () => {
    recalculate();
    fitAll(document);
  });

  // --- pasting a grid from Excel / WPS ------------------------------------------------------------------
  // A block of cells copied from a spreadsheet arrives as tab-separated lines; a cell with a line
  // break or a quote is quoted ("…", "" for a quote), as Excel and WPS write it. Pasted into any field
  // of a row table it fills as many rows and columns as were copied, from that field on, adding rows
  // as needed; a first line of column headings maps the columns by name instead. A row whose own
  // cells are blank continues the row above (a task written once over its key indicators). In the
  // indicator tree, 一级/二级 columns file each row under its 二级 by name, spelt either scheme's way
  // (“社会效益” = “社会效益指标”), written once for a block of rows. What cannot be placed is listed
  // before anything is added.

  function parseGrid(text) {
    const rows = [];
    let row = [];
    let cell = "";
    let quoted = false;
    let start = true;
    for (let i = 0; i < text.length; i++) {
      const char = text[i];
      if (quoted) {
        if (char === '"' && text[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (char === '"') {
          quoted = false;
        } else {
          cell += char;
        }
        continue;
      }
      if (char === '"' && start) {
        quoted = true;
        start = false;
      } else if (char === "\t") {
        row.push(cell);
        cell = "";
        start = true;
      } else if (char === "\n" || char === "\r") {
        if (char === "\r" && text[i + 1] === "\n") i++;
        row.push(cell);
        rows.push(row);
        row = [];
        cell = "";
        start = true;
      } else {
        cell += char;
        start = false;
      }
    }
    if (cell !== "" || row.length) {
      row.push(cell);
      rows.push(row);
    }
    return rows.map((cells) => cells.map((value) => value.trim()));
  }

  const squash = (text) => String(text || "").normalize("NFKC").replace(/\s+/g, "");
  const core = (text) => squash(text).replace(/\([^()]*\)/g, "").replace(/[:：]$/, "");
  const sameLabel = (a, b) => squash(a) === squash(b) || (core(a) !== "" && core(a) === core(b));
  // 一级/二级 as either scheme spells them: no code (“11-”), no weight (“（50分）”), no final 指标.
  const categoryKey = (text) => squash(text).replace(/^\d+[-.、]/, "").replace(/\([\d.]+分\)$/, "").replace(/指标$/, "");

  function fieldsOf(row) {
    return [...row.children]
      .filter((cell) => cell.matches("td") && !cell.matches(".row-number, .row-actions, .nested"))
      .map((cell) => cell.querySelector("input:not([type=hidden]), textarea, select"))
      .filter(Boolean);
  }

  function labelsOf(table) {
    // The headings of a table's own columns, in the order of its row's fields.
    const head = table.querySelector(":scope > thead > tr");
    return [...head.children].filter((th) => !th.matches(".row-number, .row-actions, .nested-head")).map((th) => th.textContent.trim());
  }

  function isHeading(cells, labels) {
    const filled = cells.filter((cell) => cell !== "");
    const named = filled.filter((cell) => labels.some((label) => sameLabel(label, cell)));
    return filled.length > 0 && named.length * 2 >= filled.length;
  }

  // columns: [{key, label}] the paste can fill, in page order; start: the column pasted into.
  function mapColumns(grid, columns, start) {
    const width = Math.max(...grid.map((cells) => cells.length));
    const labels = columns.map((column) => column.label);
    const problems = [];
    let map;
    let body = grid;
    if (isHeading(grid[0], labels)) {
      // Headings as printed first; then one that contains a column's label or is part of it (“主要任务”).
      const taken = new Set();
      map = grid[0].map((cell) => {
        const found = columns.find((column) => !taken.has(column.key) && sameLabel(column.label, cell));
        if (found) taken.add(found.key);
        return found ? found.key : null;
      });
      map = map.map((key, index) => {
        const cell = core(grid[0][index]);
        if (key !== null || cell.length < 2) return key;
        const found = columns.find((column) => {
          const label = core(column.label);
          return !taken.has(column.key) && label.length >= 2 && (cell.includes(label) || label.includes(cell));
        });
        if (found) taken.add(found.key);
        return found ? found.key : null;
      });
      body = grid.slice(1);
      map.forEach((key, index) => {
        // A heading over blank cells (“绩效指标”, the second column of a merged 名称) loses nothing.
        if (key === null && body.some((cells) => (cells[index] || "") !== "")) {
          problems.push(`第${index + 1}列“${grid[0][index]}”：本表没有这一栏，不会填入。`);
        }
      });
    } else {
      map = [];
      for (let index = 0; index < width; index++) {
        const column = columns[start + index];
        map.push(column ? column.key : null);
        if (!column && grid.some((cells) => (cells[index] || "") !== "")) {
          problems.push(`第${index + 1}列（如“${grid.find((cells) => cells[index])[index].slice(0, 20)}”）：本表从所粘贴的栏起只有${columns.length - start}栏，这一列放不下。`);
        }
      }
    }
    return { map, body: body.filter((cells) => cells.some((cell) => cell !== "")), problems };
  }

  function setValue(field, value) {
    if (field.matches("select")) {
      const option = [...field.options].find((item) => sameLabel(item.textContent, value) || item.value === value);
      if (option) field.value = option.value;
      return;
    }
    field.value = field.matches("textarea:not([data-line])") ? value : value.replace(/[\r\n]+/g, "");
  }

  function notice(container, lines) {
    let box = container.parentElement.querySelector(":scope > .paste-notice");
    if (!box) {
      box = document.createElement("div");
      box.className = "paste-notice alert alert-info py-1 px-2 small mb-1";
      box.dataset.for = container.dataset.formset || "tree";
      box.setAttribute("role", "status");
      container.before(box);
    }
    box.replaceChildren(...lines.map((line) => Object.assign(document.createElement("div"), { textContent: line })));
  }

  function approve(problems, placed) {
    if (!problems.length) return true;
    if (!placed) {
      window.alert(`粘贴的内容无法放入本表：\n${problems.join("\n")}`);
      return false;
    }
    return window.confirm(`粘贴的内容中以下部分无法放入，不会填入：\n${problems.join("\n")}\n\n其余 ${placed} 行照常填入吗？`);
  }

  function firstEmptyRow(container) {
    // A row just added and still blank is filled before new ones are added.
    const rows = rowsOf(container);
    const last = rows[rows.length - 1];
    return last && fieldsOf(last).every((field) => field.value === "" || field.matches("select")) ? last : null;
  }

  function pasteRows(field, grid) {
    const row = field.closest("[data-row]");
    const container = row.parentElement.closest("[data-formset]");
    const table = row.closest("table");
    const own = labelsOf(table).map((label, index) => ({ key: `own:${index}`, label }));
    const nestedCell = row.querySelector(":scope > td.nested");
    const nested = nestedCell ? labelsOf(nestedCell.querySelector("table")).map((label, index) => ({ key: `nested:${index}`, label })) : [];
    const start = fieldsOf(row).indexOf(field);
    const { map, body, problems } = mapColumns(grid, [...own, ...nested], start);
    const ownColumns = map.map((key, index) => (key && key.startsWith("own:") ? index : -1)).filter((index) => index >= 0);
    if (!approve(problems, body.length)) return;
    let current = null;
    let rowsAdded = 0;
    let filling = row;
    for (const cells of body) {
      const ownBlank = ownColumns.every((index) => (cells[index] || "") === "");
      if (!(ownBlank && current && nested.length)) {
        current = filling || addRow(container);
        filling = null;
        rowsAdded++;
        const fields = fieldsOf(current);
        map.forEach((key, index) => {
          if (key && key.startsWith("own:") && cells[index] !== undefined) setValue(fields[Number(key.slice(4))], cells[index]);
        });
      }
      const nestedValues = map.map((key, index) => (key && key.startsWith("nested:") ? [Number(key.slice(7)), cells[index] || ""] : null)).filter(Boolean);
      if (nested.length && nestedValues.some(([, value]) => value !== "")) {
        const child = current.querySelector(":scope > td.nested [data-formset]");
        const target = firstEmptyRow(child) || addRow(child);
        const fields = fieldsOf(target);
        nestedValues.forEach(([position, value]) => setValue(fields[position], value));
      }
    }
    fitAll(container);
    changed();
    notice(container, [`已从剪贴板填入 ${rowsAdded} 行，请核对后保存。`, ...problems]);
  }

  function pasteTree(field, grid) {
    const tree = field.closest(".indicator-tree");
    const branches = [...tree.querySelectorAll("tbody[data-category]")].map((group) => {
      const [level1, level2] = group.dataset.category.split("/");
      return { group, level1, level2 };
    });
    const fieldLabels = labelsOf(tree);
    const columns = [
      { key: "level1", label: "一级指标" },
      { key: "level2", label: "二级指标" },
      ...fieldLabels.map((label, index) => ({ key: `own:${index}`, label })),
    ];
    const here = field.closest("tbody[data-category]");
    const width = Math.max(...grid.map((cells) => cells.length));
    // Without headings: one or two leading columns are 二级 or 一级/二级 when they name categories.
    let start = 2 + Math.max(0, fieldsOf(field.closest("[data-row]") || tree.querySelector("[data-row]") || document.createElement("tr")).indexOf(field));
    const isLevel1 = (text) => branches.some((branch) => categoryKey(branch.level1) === categoryKey(text));
    const isLevel2 = (text) => branches.some((branch) => categoryKey(branch.level2) === categoryKey(text));
    if (!isHeading(grid[0], columns.map((column) => column.label))) {
      const first = grid.map((cells) => cells[0] || "").filter(Boolean);
      const second = grid.map((cells) => cells[1] || "").filter(Boolean);
      const most = (values, test) => values.length > 0 && values.filter(test).length * 2 >= values.length;
      if (most(first, isLevel1) && most(second, isLevel2)) start = 0;
      else if (most(first, isLevel2)) start = 1;
      else if (!field.closest("[data-row]")) start = 2;
    }
    const { map, body, problems } = mapColumns(grid, columns, start);
    const at = (cells, key) => {
      const index = map.indexOf(key);
      return index < 0 ? "" : cells[index] || "";
    };
    const placed = [];
    let level1 = "";
    let level2 = "";
    body.forEach((cells, number) => {
      const given1 = at(cells, "level1");
      const given2 = at(cells, "level2");
      if (given1) {
        level1 = given1;
        level2 = "";
      }
      if (given2) level2 = given2;
      let branch = null;
      if (map.includes("level2")) {
        const matches = branches.filter(
          (item) => categoryKey(item.level2) === categoryKey(level2) && (!level1 || categoryKey(item.level1) === categoryKey(level1))
        );
        branch = matches.length === 1 ? matches[0] : null;
        if (!branch) {
          problems.push(`第${number + 1}行：指标体系中没有“${level1 ? `${level1} / ` : ""}${level2 || "（未写二级指标）"}”，这一行不会填入。`);
          return;
        }
      } else if (here) {
        branch = branches.find((item) => item.group === here);
      } else {
        problems.push(`第${number + 1}行：没有一级/二级指标列，请在某个二级指标下的三级指标栏中粘贴，或连同一级、二级列一起复制。`);
        return;
      }
      placed.push([branch, cells]);
    });
    if (!approve(problems, placed.length)) return;
    for (const [branch, cells] of placed) {
      const target = firstEmptyRow(branch.group) || addRow(branch.group);
      const fields = fieldsOf(target);
      map.forEach((key, index) => {
        if (key && key.startsWith("own:") && cells[index] !== undefined) setValue(fields[Number(key.slice(4))], cells[index]);
      });
    }
    fitAll(tree);
    changed();
    notice(tree, [`已从剪贴板按指标体系填入 ${placed.length} 条指标，请核对后保存。`, ...problems]);
  }

  document.addEventListener("paste", (event) => {
    const field = event.target.closest("input, textarea");
    if (!field || !field.closest("[data-formset], .indicator-tree") || field.id === "paste_text") return;
    const text = (event.clipboardData || window.clipboardData).getData("text");
    const grid = parseGrid(text.replace(/[\r\n]+$/, ""));
    if (!grid.length || (grid.length === 1 && grid[0].length === 1)) {
      // One cell: pasted as it is (a quoted cell from Excel without its quotes).
      if (grid.length === 1 && text.trim().startsWith('"')) {
        event.preventDefault();
        field.setRangeText(grid[0][0], field.selectionStart, field.selectionEnd, "end");
        changed();
      }
      return;
    }
    event.preventDefault();
    if (field.closest(".indicator-tree")) pasteTree(field, grid);
    else pasteRows(field, grid);
  });

  // --- unsaved changes -------------------------------------------------------------------------------
  // Leaving the page asks first; so does 提交审核, which submits what was saved, not what is typed.

  const UNSAVED_SUBMIT =
    "本页有未保存的修改。“提交审核”只提交已保存的内容，这些修改不会随之提交，离开本页后也会丢失。\n\n" +
    "确定不保存就提交吗？（点“取消”留在本页，可先“保存草稿”再提交。）";

  document.addEventListener("submit", (event) => {
    if (event.target.id === "submit-form" && document.body.dataset.dirty === "true") {
      if (!window.confirm(UNSAVED_SUBMIT)) {
        event.preventDefault();
        return;
      }
    }
    document.body.dataset.dirty = "";
  });
  window.addEventListener("beforeunload", (event) => {
    if (document.body.dataset.dirty !== "true") return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
