// placeholder, replaced by the tasks module
