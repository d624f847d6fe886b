// The portal's own script, a few lines under the CSP (script-src 'self'); nothing here is needed for a page to work.

// "Skip to content": move the keyboard into <main>. Blazor handles in-page links itself (it scrolls but leaves the
// focus where it was), so the link is taken before Blazor sees the click.
window.addEventListener("click", event => {
    const link = event.target instanceof Element ? event.target.closest("a.portal-skip-link") : null;
    const main = document.getElementById("main-content");
    if (!link || !main) return;
    event.preventDefault();
    event.stopPropagation();
    main.focus();
    main.scrollIntoView();
}, true);
