// Shrink text until it fits its box: a case text can be 4,000 characters and a wall can hold
// hundreds of posts, and the back row must still read as much as fits. The box's CSS sets
// the largest size and a bounded height.
export function fitText(el, { min = 14, step = 0.92 } = {}) {
  el.style.fontSize = "";
  let size = parseFloat(getComputedStyle(el).fontSize);
  const overflows = () => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
  for (let guard = 0; guard < 40 && size > min && overflows(); guard++) {
    size = Math.max(min, size * step);
    el.style.fontSize = `${size}px`;
  }
}
