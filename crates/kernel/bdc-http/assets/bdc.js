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
