/* Item pages: a page file holds several items and shows the one its link names (site.css,
   :target); the browser tab is named after that item. */
(function () {
  "use strict";
  var base = document.title;   // "Items · <bank>"
  function name() {
    var id = decodeURIComponent(location.hash.slice(1));
    var item = id ? document.getElementById(id) : null;
    document.title = item && item.classList.contains("item") ? base.replace(/^Items/, "Item " + id) : base;
  }
  window.addEventListener("hashchange", name);
  name();
})();
