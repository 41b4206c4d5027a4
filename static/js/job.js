// The job page: poll the job's progress until it is done or failed (no inline script: the CSP forbids it).
(function () {
  const box = document.getElementById("job");
  if (!box) return;
  const bar = document.getElementById("job-bar");
  function show(percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", percent);
  }
  show(Number(box.dataset.percent || 0));
  async function poll() {
    const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
    const job = await response.json();
    show(job.percent);
    document.getElementById("job-status").textContent = job.status_label + (job.total ? `：${job.done} / ${job.total}` : "");
    document.getElementById("job-error").textContent = job.error;
    if (job.download) document.getElementById("job-download").classList.remove("d-none");
    if (job.status === "failed") document.getElementById("job-retry").classList.remove("d-none");
    if (job.status === "queued" || job.status === "running") setTimeout(poll, 1000);
  }
  poll();
})();
