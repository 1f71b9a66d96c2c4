// Click a word (or a place on the timeline) to play the answer, or a follow-up's reply,
// from there; while it plays, the word being said is outlined and the playhead moves
// along the timeline. Each recording is its own box: its audio, its words.
"use strict";
for (const answer of document.querySelectorAll(".recording")) {
  const audio = answer.querySelector("audio");
  if (!audio) continue;
  const words = Array.from(answer.querySelectorAll(".transcript [data-start]"));
  const head = answer.querySelector(".playhead");
  const total = Number(answer.dataset.duration) || 0;
  const playFrom = (seconds) => {
    audio.currentTime = seconds;
    audio.play().catch(() => {});  // a browser may refuse to play before a gesture
  };
  answer.addEventListener("click", (event) => {
    const target = event.target.closest("[data-start]");
    if (target && answer.contains(target)) playFrom(Number(target.dataset.start));
  });
  answer.querySelector(".timeline")?.addEventListener("click", (event) => {
    if (event.target.closest("[data-start]") || !total) return;
    const box = event.currentTarget.getBoundingClientRect();
    playFrom(((event.clientX - box.left) / box.width) * total);
  });
  let current = null;
  audio.addEventListener("timeupdate", () => {
    const t = audio.currentTime;
    const now = words.find((w) => t >= Number(w.dataset.start) && t < Number(w.dataset.end));
    if (now !== current) {
      if (current) current.classList.remove("now");
      if (now) now.classList.add("now");
      current = now;
    }
    if (head && total) head.style.left = Math.min(100, (t / total) * 100) + "%";
  });
}
document.body.dataset.ready = "yes";
