// Shrink text until it fits its box: a case text can be 4,000 characters and a wall can hold
// hundreds of posts, and the back row must still read as much as fits. The box's CSS sets
// the largest size and a bounded height; this finds the largest size up to that which fits
// (by halving the interval, so a box is measured about ten times, not forty).
export function fitText(el, { min = 14 } = {}) {
  el.style.fontSize = "";
  const largest = parseFloat(getComputedStyle(el).fontSize);
  const overflows = () => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
  if (!overflows() || largest <= min) return;
  let low = min; // fits (or is as small as we go)
  let high = largest; // overflows
  while (high - low > 0.5) {
    const mid = (low + high) / 2;
    el.style.fontSize = `${mid}px`;
    if (overflows()) high = mid;
    else low = mid;
  }
  el.style.fontSize = `${Math.floor(low * 2) / 2}px`;
}
