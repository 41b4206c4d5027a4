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
  // |a|), data-same="#x #y" (equal or not). Amounts are added as integer cents: no binary rounding.

  function cents(text) {
    const clean = String(text || "").replace(/[,，\s]/g, "");
    if (!/^-?\d*(\.\d{0,2})?$/.test(clean) || clean === "" || clean === "-") return clean === "" ? 0 : null;
    const [whole, fraction = ""] = clean.replace("-", "").split(".");
    const value = BigInt(whole || "0") * 100n + BigInt((fraction + "00").slice(0, 2));
    return clean.startsWith("-") ? -value : value;
  }

  function formatCents(value) {
    const negative = value < 0n;
    const absolute = negative ? -value : value;
    const whole = (absolute / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const fraction = (absolute % 100n).toString().padStart(2, "0");
    return `${negative ? "−" : ""}${whole}.${fraction}`;
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
      const value = cents(input.value);
      if (value === null) return null;
      total += BigInt(value);
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
          show(output, bad ? null : sum, bad ? "（有非数字）" : formatCents(sum));
        } else if (output.dataset.diff !== undefined) {
          const [a, b] = output.dataset.diff.split(/\s+/).map(valueOf);
          show(output, a === null || b === null ? null : a - b, a === null || b === null ? "—" : formatCents(a - b));
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
