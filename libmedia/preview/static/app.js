// the page lands with the page's own commit
