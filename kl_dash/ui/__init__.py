"""The Streamlit wing: everything in kl_dash that imports streamlit lives in this package.

frame.py: the database resource, cached queries, the view app.py hands a page, downloads.
sidebar.py: the shared filters drawn in the sidebar, and who is using the app.
login.py: the login page, logging out, and the uploader's name.
"""
