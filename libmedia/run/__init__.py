"""Running render jobs: naming outputs (:mod:`.names`), the picklable task
(:mod:`.task`), the executor loop (:mod:`.schedule`), the output folder and
manifest (:mod:`.outputs`), the batch coordinator (:mod:`.coordinator`) and
one post for a quick look (:mod:`.single`).  Dask support lives in
:mod:`.dask` and :mod:`.bundle` (optional extra ``libmedia[dask]``)."""
