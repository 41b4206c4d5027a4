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
  // target values; picking one fills the name only (the target stays for the preparer to set).

  let suggestTimer = null;

  function suggest(input) {
    const group = input.closest("tbody[data-category]");
    const table = input.closest("[data-suggest-url]");
    if (!group || !table || !/-name$/.test(input.name)) return;
    const level2 = group.dataset.category.split("/").pop();
    const listId = `suggest-${group.dataset.formset}`;
    let list = document.getElementById(listId);
    if (!list) {
      list = document.createElement("datalist");
      list.id = listId;
      document.body.append(list);
    }
    input.setAttribute("list", listId);
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(async () => {
      const url = `${table.dataset.suggestUrl}?level2=${encodeURIComponent(level2)}&q=${encodeURIComponent(input.value)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const { suggestions } = await response.json();
      list.replaceChildren(
        ...suggestions.map((item) => {
          const option = document.createElement("option");
          option.value = item.name;
          const values = item.values.map((value) => `${value.text}（${value.uses}次）`).join("；");
          option.label = `${item.recommended ? "【推荐】" : ""}常用指标值：${values || "—"}`;
          return option;
        })
      );
    }, 200);
  }

  document.addEventListener("focusin", (event) => {
    if (event.target.matches("input[name$='-name']")) suggest(event.target);
  });
  document.addEventListener("input", (event) => {
    if (event.target.matches("input[name$='-name']")) suggest(event.target);
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
  document.addEventListener("input", changed);
  document.addEventListener("DOMContentLoaded", recalculate);
  document.addEventListener("submit", () => {
    document.body.dataset.dirty = "";
  });
  window.addEventListener("beforeunload", (event) => {
    if (document.body.dataset.dirty === "true") event.preventDefault();
  });
})();
