// BDC's only script of its own (served from /assets, so the CSP's script-src 'self' holds; htmx's
// trigger filters would need eval, which the CSP forbids).

// A file picker in Chinese shows the names of the files chosen, which the native control would
// show in the browser's own language.
document.addEventListener('change', (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.classList.contains('file-pick__input')) return;
  const chosen = input.closest('.file-pick')?.querySelector('.file-pick__chosen');
  if (!chosen) return;
  const names = Array.from(input.files || []).map((f) => f.name);
  chosen.textContent = names.length ? `已选择：${names.join('、')}` : '未选择文件';
});

// Enter in a field marked `data-enter-clicks="#button"` presses that button instead of submitting
// the form around it (the counter's unit search inside the intake form).
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || event.isComposing) return;
  const field = event.target;
  if (!(field instanceof HTMLElement) || !field.dataset.enterClicks) return;
  event.preventDefault();
  document.querySelector(field.dataset.enterClicks)?.click();
});

// 菜单 (the header's menu button): on a narrow screen (≤ 720 px, see bdc.css) the navigation and
// the user's links fold behind it, closed until pressed. The stylesheet folds them only once the
// header is marked collapsible here, so without this script they stay in view. Escape closes an
// open menu and gives the focus back to the button.
for (const toggle of document.querySelectorAll('.app-header__toggle')) {
  const header = toggle.closest('.app-header');
  if (!header) continue;
  const setOpen = (open) => {
    toggle.setAttribute('aria-expanded', String(open));
    header.classList.toggle('app-header--open', open);
  };
  header.classList.add('app-header--collapsible');
  setOpen(false);
  toggle.addEventListener('click', () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'));
  header.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || toggle.getAttribute('aria-expanded') !== 'true') return;
    setOpen(false);
    toggle.focus();
  });
}

// Tables as cards on a phone (bdc.css, ≤ 600 px): every cell of a `.table--cards` table gets its
// column's header as `data-label`, which the stylesheet shows before the value ("业务号：…").
// Columns are counted with colspan, so a cell spanning several columns (暂无办件) gets no label.
// Tables swapped in by htmx are labelled when they arrive.
function labelTables(root) {
  const tables = root.matches?.('table.table--cards') ? [root] : root.querySelectorAll?.('table.table--cards') || [];
  for (const table of tables) {
    const head = table.tHead?.rows[table.tHead.rows.length - 1];
    if (!head) continue;
    const labels = [];
    for (const th of head.cells) {
      for (let i = 0; i < th.colSpan; i++) labels.push(th.colSpan === 1 ? th.textContent.trim() : '');
    }
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (cell.colSpan === 1 && column < labels.length) cell.dataset.label = labels[column];
          column += cell.colSpan;
        }
      }
    }
    table.classList.add('is-labelled');
  }
}

labelTables(document);
document.addEventListener('htmx:load', (event) => labelTables(event.target));
